using System.Text.Json;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>catalog.db is an Iceberg SQL catalog, and every commit writes a format-v2 metadata file.</summary>
public sealed class IcebergCatalogTests
{
    // What SQLAlchemy emits for PyIceberg's SqlCatalog models on SQLite (pyiceberg/catalog/sql.py: IcebergTables,
    // IcebergNamespaceProperties), captured from SQLAlchemy 1.4's CreateTable; then Java JdbcCatalog's V1 upgrade.
    private const string PyIcebergTables =
        "\nCREATE TABLE iceberg_tables (\n\tcatalog_name VARCHAR(255) NOT NULL, \n\ttable_namespace VARCHAR(255) NOT NULL, \n" +
        "\ttable_name VARCHAR(255) NOT NULL, \n\tmetadata_location VARCHAR(1000), \n\tprevious_metadata_location VARCHAR(1000), \n" +
        "\tPRIMARY KEY (catalog_name, table_namespace, table_name)\n)\n\n";

    private const string PyIcebergNamespaceProperties =
        "\nCREATE TABLE iceberg_namespace_properties (\n\tcatalog_name VARCHAR(255) NOT NULL, \n\tnamespace VARCHAR(255) NOT NULL, \n" +
        "\tproperty_key VARCHAR(255) NOT NULL, \n\tproperty_value VARCHAR(1000) NOT NULL, \n" +
        "\tPRIMARY KEY (catalog_name, namespace, property_key)\n)\n\n";

    private const string JavaV1Upgrade = "ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)";

    [Fact]
    public void CatalogDdl_IsByteForBytePyIcebergs_PlusJavaJdbcCatalogsIcebergTypeColumn()
    {
        Assert.Equal(PyIcebergTables, IcebergCatalogSchema.CreateTables);
        Assert.Equal(PyIcebergNamespaceProperties, IcebergCatalogSchema.CreateNamespaceProperties);
        Assert.Equal(JavaV1Upgrade, IcebergCatalogSchema.AddIcebergType);

        // The schema a store ends up with is the one PyIceberg's statements and Java's upgrade make in an empty database.
        using var temp = new TempStore();
        var reference = Path.Combine(temp.Root, "reference.db");
        using (var connection = new SqliteConnection($"Data Source={reference}"))
        {
            connection.Open();
            foreach (var sql in new[] { PyIcebergTables, JavaV1Upgrade, PyIcebergNamespaceProperties })
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
        }

        Assert.Equal(IcebergSchemaText(reference), IcebergSchemaText(temp.Store.CatalogPath));
    }

    [Fact]
    public void EachCommit_MovesIcebergTables_ToItsMetadataFile_WithThePreviousOne()
    {
        using var temp = new TempStore();
        temp.Catalog.Append("ns.t", [SampleRows.Batch(0, 10)]);
        var afterFirst = Row(temp, "ns", "t");
        temp.Catalog.Append("ns.t", [SampleRows.Batch(10, 10)]);
        var afterSecond = Row(temp, "ns", "t");
        temp.Catalog.Append("plain", [SampleRows.Batch(0, 1)]);

        var folder = IcebergLocation.ToUri(Path.Combine(temp.TableFolder("ns.t"), "metadata"));
        Assert.Equal((folder + "/v1.metadata.json", (string?)null, "TABLE"), afterFirst);
        Assert.Equal((folder + "/v2.metadata.json", folder + "/v1.metadata.json", "TABLE"), afterSecond);
        Assert.Equal("TABLE", Row(temp, "default", "plain").Type);
        using var connection = temp.Store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT catalog_name, namespace, property_key, property_value FROM iceberg_namespace_properties ORDER BY namespace;";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add($"{reader.GetString(0)}/{reader.GetString(1)}/{reader.GetString(2)}={reader.GetString(3)}");
        }

        Assert.Equal(["mlops/default/exists=true", "mlops/ns/exists=true"], rows);
    }

    [Fact]
    public void MetadataFile_HasTheFormatV2Keys_SnapshotsLogsAndNameMapping()
    {
        using var temp = new TempStore();
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(10, 5)]);
        temp.Catalog.Rollback("t", first.SnapshotId);

        var path = Path.Combine(temp.TableFolder("t"), "metadata", "v3.metadata.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        var root = document.RootElement;
        Assert.Equal(2, root.GetProperty("format-version").GetInt32());
        Assert.True(Guid.TryParse(root.GetProperty("table-uuid").GetString(), out _));
        Assert.Equal(IcebergLocation.ToUri(temp.TableFolder("t")), root.GetProperty("location").GetString());
        Assert.Equal(2, root.GetProperty("last-sequence-number").GetInt64());
        Assert.Equal(7, root.GetProperty("last-column-id").GetInt32());
        Assert.Equal(0, root.GetProperty("current-schema-id").GetInt32());
        var fields = root.GetProperty("schemas")[0].GetProperty("fields");
        Assert.Equal(("at", "timestamptz", false), (fields[6].GetProperty("name").GetString(), fields[6].GetProperty("type").GetString(), fields[6].GetProperty("required").GetBoolean()));
        Assert.Equal("long", fields[0].GetProperty("type").GetString());
        Assert.Equal(0, root.GetProperty("partition-specs")[0].GetProperty("fields").GetArrayLength());
        Assert.Equal(0, root.GetProperty("sort-orders")[0].GetProperty("fields").GetArrayLength());
        Assert.Equal(first.SnapshotId, root.GetProperty("current-snapshot-id").GetInt64());
        Assert.Equal(first.SnapshotId, root.GetProperty("refs").GetProperty("main").GetProperty("snapshot-id").GetInt64());
        var snapshots = root.GetProperty("snapshots").EnumerateArray().ToList();
        Assert.Equal([first.SnapshotId, second.SnapshotId], snapshots.Select(s => s.GetProperty("snapshot-id").GetInt64()));
        Assert.Equal(first.SnapshotId, snapshots[1].GetProperty("parent-snapshot-id").GetInt64());
        Assert.Equal(2, snapshots[1].GetProperty("sequence-number").GetInt64());
        Assert.Equal(new DateTimeOffset(second.CommittedAt).ToUnixTimeMilliseconds(), snapshots[1].GetProperty("timestamp-ms").GetInt64());
        var summary = snapshots[1].GetProperty("summary");
        Assert.Equal("append", summary.GetProperty("operation").GetString());
        Assert.Equal("5", summary.GetProperty("added-records").GetString());
        Assert.Equal("15", summary.GetProperty("total-records").GetString());
        Assert.Equal("2", summary.GetProperty("total-data-files").GetString());
        Assert.StartsWith("file:///", snapshots[1].GetProperty("manifest-list").GetString());
        Assert.Equal(0, snapshots[1].GetProperty("schema-id").GetInt32());
        Assert.Equal(
            [first.SnapshotId, second.SnapshotId, first.SnapshotId],
            root.GetProperty("snapshot-log").EnumerateArray().Select(e => e.GetProperty("snapshot-id").GetInt64()));
        Assert.Equal(
            ["v1.metadata.json", "v2.metadata.json"],
            root.GetProperty("metadata-log").EnumerateArray().Select(e => Path.GetFileName(e.GetProperty("metadata-file").GetString()!)));
        var mapping = JsonDocument.Parse(root.GetProperty("properties").GetProperty("schema.name-mapping.default").GetString()!).RootElement;
        Assert.Equal(
            SampleRows.Schema.Columns.Select((c, i) => $"{i + 1}:{c.Name}"),
            mapping.EnumerateArray().Select(m => $"{m.GetProperty("field-id").GetInt32()}:{m.GetProperty("names")[0].GetString()}"));
        Assert.Equal("3", File.ReadAllText(Path.Combine(temp.TableFolder("t"), "metadata", "version-hint.text")));
    }

    [Fact]
    public void ParquetFiles_CarryIcebergFieldIds_AndTheIcebergSchemaInTheFooter()
    {
        using var temp = new TempStore();
        var snapshot = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var path = Path.Combine(temp.Root, Assert.Single(snapshot.DataFiles)).Replace("'", "''", StringComparison.Ordinal);

        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name, field_id FROM parquet_schema('{path}') WHERE field_id IS NOT NULL;";
        var ids = new Dictionary<string, int>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                ids[reader.GetString(0)] = Convert.ToInt32(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.Equal(SampleRows.Schema.Columns.Select((c, i) => (c.Name, i + 1)), ids.Select(p => (p.Key, p.Value)));
        using var footer = connection.CreateCommand();
        footer.CommandText = $"SELECT decode(value) FROM parquet_kv_metadata('{path}') WHERE decode(key) = 'iceberg.schema';";
        Assert.Equal(IcebergSchema.ToJson(SampleRows.Schema), footer.ExecuteScalar() as string);
    }

    private static (string Location, string? Previous, string? Type) Row(TempStore temp, string ns, string name)
    {
        using var connection = temp.Store.OpenConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT metadata_location, previous_metadata_location, iceberg_type FROM iceberg_tables
            WHERE catalog_name = 'mlops' AND table_namespace = $ns AND table_name = $name;
            """;
        command.Parameters.AddWithValue("$ns", ns);
        command.Parameters.AddWithValue("$name", name);
        using var reader = command.ExecuteReader();
        Assert.True(reader.Read(), $"No iceberg_tables row for {ns}.{name}.");
        return (reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
    }

    private static List<(string, string)> IcebergSchemaText(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, sql FROM sqlite_master WHERE name LIKE 'iceberg%' AND sql IS NOT NULL ORDER BY name;";
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }

        return rows;
    }
}
