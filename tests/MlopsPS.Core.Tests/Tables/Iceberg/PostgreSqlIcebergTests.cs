using System.Globalization;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tables.Iceberg;
using MlopsPS.Core.Tests.TestSupport;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>
/// A PostgreSQL store's tables as other Iceberg engines see them: the metadata files in the warehouse (read by icebird,
/// which shares nothing with MlopsPS) and the Iceberg SQL catalog rows in PostgreSQL, under the chosen catalog name.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlIcebergTests(PostgresCluster cluster)
{
    [Fact]
    public void Icebird_ReadsAPostgreSqlStoresTable_TheSameRowsAsReadTable()
    {
        using var temp = new TempStore(StoreBackend.PostgreSql, cluster);
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 300)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(300, 200)]);

        var seen = InteropReaders.Icebird(IcebirdTests.TableLocation(temp, "t"));

        Assert.Equal(500, seen.GetProperty("rowCount").GetInt32());
        Assert.Equal(
            new[] { first.SnapshotId, second.SnapshotId }.Select(id => id.ToString(CultureInfo.InvariantCulture)).Order(),
            seen.GetProperty("entrySnapshotIds").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(
            SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)).Order(),
            seen.GetProperty("rows").EnumerateArray().Select(r => long.Parse(r.GetProperty("id").GetString()!, CultureInfo.InvariantCulture)).Order());
    }

    [Fact]
    public void TheCatalogRows_MoveToTheChosenName_AndCommitsKeepSwappingMetadataLocationThere()
    {
        using var temp = new TempStore(StoreBackend.PostgreSql, cluster);
        temp.Catalog.Append("ns.t", [SampleRows.Batch(0, 10)]);
        var folder = IcebergLocation.ToUri(Path.Combine(temp.TableFolder("ns.t"), "metadata"));
        Assert.Equal([("mlops", "ns", "t", folder + "/v1.metadata.json", (string?)null)], Rows(temp));

        Assert.Equal(("mlops", 1), IcebergCatalogName.Change(temp.Store, "lake"));
        temp.Catalog.Append("ns.t", [SampleRows.Batch(10, 10)]);

        Assert.Equal([("lake", "ns", "t", folder + "/v2.metadata.json", (string?)(folder + "/v1.metadata.json"))], Rows(temp));
        Assert.Equal("lake", temp.Store.Describe().IcebergCatalogName);
        Assert.Equal(20, temp.Catalog.CurrentSnapshot("ns.t").Summary.TotalRecords);
    }

    private static List<(string, string, string, string, string?)> Rows(TempStore temp)
    {
        using var connection = temp.Store.Database.Open();
        using var command = CatalogDatabase.Command(
            connection, null, "SELECT catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location FROM iceberg_tables;");
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, string, string, string?)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4)));
        }

        return rows;
    }
}
