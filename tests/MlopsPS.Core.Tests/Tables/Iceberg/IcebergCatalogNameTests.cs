using System.Globalization;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>
/// The Iceberg catalog name is a store setting (issue 11): tables are registered under the chosen name, a change moves
/// the existing rows in one transaction, and commits and another writer's commits keep working under it.
/// </summary>
public sealed class IcebergCatalogNameTests
{
    [Fact]
    public void ANewStore_RegistersItsTablesUnderMlops()
    {
        using var temp = new TempStore();
        temp.Catalog.Append("ns.t", [SampleRows.Batch(0, 10)]);
        Assert.Equal("mlops", IcebergCatalogName.Read(temp.Store));
        Assert.Equal("mlops", temp.Store.Describe().IcebergCatalogName);
        Assert.Equal([("mlops", "ns", "t")], TableRows(temp));
    }

    [Fact]
    public void ChangingTheName_MovesTablesAndNamespaces_AndLaterCommitsAndNewTablesUseIt()
    {
        using var temp = new TempStore();
        temp.Catalog.Append("ns.t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("plain", [SampleRows.Batch(0, 5)]);
        var before = Location(temp, "mlops", "ns", "t");

        Assert.Equal(("mlops", 2), IcebergCatalogName.Change(temp.Store, "lake"));

        Assert.Equal([("lake", "default", "plain"), ("lake", "ns", "t")], TableRows(temp));
        Assert.Equal(before, Location(temp, "lake", "ns", "t"));
        Assert.Equal(
            [("lake", "default"), ("lake", "ns")],
            Query(temp, "SELECT catalog_name, namespace FROM iceberg_namespace_properties ORDER BY namespace;", r => (r.GetString(0), r.GetString(1))));
        // The setting is the store's, seen by a fresh open.
        Assert.Equal("lake", IcebergCatalogName.Read(MlopsStore.Open(temp.Root)));

        var next = temp.Catalog.Append("ns.t", [SampleRows.Batch(10, 10)]);
        Assert.Equal(20, next.Summary.TotalRecords);
        Assert.EndsWith("/v2.metadata.json", Location(temp, "lake", "ns", "t"), StringComparison.Ordinal);
        temp.Catalog.Append("other.u", [SampleRows.Batch(0, 1)]);
        Assert.Contains(("lake", "other", "u"), TableRows(temp));
        Assert.DoesNotContain(TableRows(temp), r => r.Catalog == "mlops");

        // Setting the same name again changes nothing.
        Assert.Equal(("lake", 0), IcebergCatalogName.Change(temp.Store, "lake"));
    }

    [Fact]
    public void AForeignAppendUnderTheChosenName_IsImported_AndTheNextCommitBuildsOnIt()
    {
        using var temp = new TempStore();
        IcebergCatalogName.Change(temp.Store, "lake");
        var ours = temp.Catalog.Append("t", [SampleRows.Batch(0, 100)]);
        var copy = Path.Combine(temp.TableFolder("t"), "foreign-00000.parquet");
        File.Copy(Path.Combine(temp.Root, ours.DataFiles[0]), copy);

        var foreign = InteropReaders.ForeignCommit(temp.Store.CatalogPath, "default", "t", copy, 100, "--catalog", "lake");
        var foreignId = long.Parse(foreign.GetProperty("snapshot_id").GetString()!, CultureInfo.InvariantCulture);

        Assert.Equal(foreignId, temp.Catalog.CurrentSnapshot("t").SnapshotId);
        var next = temp.Catalog.Append("t", [SampleRows.Batch(100, 10)]);
        Assert.Equal(foreignId, next.ParentId);
        Assert.Equal(210, next.Summary.TotalRecords);
        Assert.Equal(
            foreign.GetProperty("metadata_location").GetString(),
            Query(temp, "SELECT previous_metadata_location FROM iceberg_tables WHERE catalog_name = 'lake' AND table_name = 't';", r => r.GetString(0)).Single());
    }

    [Fact]
    public void AForeignOverwriteUnderTheChosenName_IsStillDetected()
    {
        using var temp = new TempStore();
        var ours = temp.Catalog.Append("t", [SampleRows.Batch(0, 100)]);
        IcebergCatalogName.Change(temp.Store, "lake");
        var copy = Path.Combine(temp.TableFolder("t"), "foreign-00000.parquet");
        File.Copy(Path.Combine(temp.Root, ours.DataFiles[0]), copy);
        InteropReaders.ForeignCommit(temp.Store.CatalogPath, "default", "t", copy, 100, "--catalog", "lake", "--operation", "overwrite");

        Assert.Throws<ForeignCommitException>(() => temp.Catalog.Append("t", [SampleRows.Batch(100, 10)]));
        Assert.Equal(1L, Query(temp, "SELECT count(*) FROM snapshots;", r => r.GetInt64(0)).Single());
    }

    [Theory]
    [InlineData("")]
    [InlineData("1lake")]
    [InlineData("my lake")]
    [InlineData("a.b")]
    public void AMalformedName_IsRefused_AndNothingMoves(string name)
    {
        using var temp = new TempStore();
        temp.Catalog.Append("t", [SampleRows.Batch(0, 1)]);
        var error = Assert.Throws<InvalidIcebergCatalogNameException>(() => IcebergCatalogName.Change(temp.Store, name));
        Assert.Equal(MlopsErrorKind.InvalidArgument, error.Kind);
        Assert.Equal([("mlops", "default", "t")], TableRows(temp));
    }

    [Fact]
    public void ANameAnotherCatalogUsesInTheSameDatabase_IsRefused_AndNothingMoves()
    {
        using var temp = new TempStore();
        temp.Catalog.Append("t", [SampleRows.Batch(0, 1)]);
        using (var connection = temp.Store.Database.Open())
        {
            CatalogDatabase.Execute(
                connection, null,
                "INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location) VALUES ('spark', 'db', 'x', 'file:///x/v1.metadata.json');");
        }

        var error = Assert.Throws<InvalidIcebergCatalogNameException>(() => IcebergCatalogName.Change(temp.Store, "spark"));
        Assert.Equal(MlopsErrorKind.ResourceExists, error.Kind);
        Assert.Contains(("mlops", "default", "t"), TableRows(temp));
        Assert.Equal("mlops", IcebergCatalogName.Read(temp.Store));
    }

    private static List<(string Catalog, string Namespace, string Name)> TableRows(TempStore temp) =>
        Query(temp, "SELECT catalog_name, table_namespace, table_name FROM iceberg_tables ORDER BY table_namespace, table_name;", r => (r.GetString(0), r.GetString(1), r.GetString(2)));

    private static string Location(TempStore temp, string catalog, string ns, string name) =>
        Query(
            temp,
            $"SELECT metadata_location FROM iceberg_tables WHERE catalog_name = '{catalog}' AND table_namespace = '{ns}' AND table_name = '{name}';",
            r => r.GetString(0)).Single();

    private static List<T> Query<T>(TempStore temp, string sql, Func<System.Data.Common.DbDataReader, T> read)
    {
        using var connection = temp.Store.Database.Open();
        using var command = CatalogDatabase.Command(connection, null, sql);
        using var reader = command.ExecuteReader();
        var rows = new List<T>();
        while (reader.Read())
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
