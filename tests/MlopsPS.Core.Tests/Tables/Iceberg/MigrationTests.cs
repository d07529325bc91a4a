using System.Globalization;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>
/// Migration 0008 on a store made by MlopsPS before tables were Iceberg tables (Tables/Fixtures/store-v7: the
/// catalog as an SQL dump and its Parquet files, made with the module at schema version 7: four appends to telco, the
/// first two expired so that the third inherits their files, a rollback, and a table fraud.cards).
/// </summary>
public sealed class MigrationTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "mlopsps-tests", "migration-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Migration0008_WritesIcebergMetadataForEveryTable_AndLosesNothing()
    {
        var before = RestoreFixture();

        var store = MlopsStore.Open(_root);
        var catalog = new TableCatalog(store);

        Assert.Equal(CatalogMigrations.LatestVersion, store.Describe().SchemaVersion);
        foreach (var (table, snapshots) in before)
        {
            // Every live snapshot with the same files, and the same current rows.
            var after = catalog.ListSnapshots(table);
            Assert.Equal(snapshots.Select(s => s.Id), after.Select(s => s.SnapshotId));
            Assert.Equal(snapshots.Select(s => s.Files), after.Select(s => string.Join(',', s.DataFiles.Order(StringComparer.Ordinal))));

            var location = IcebergLocation.ToUri(Path.Combine(_root, "tables", table));
            var seen = InteropReaders.Icebird(location);
            var rows = catalog.Scan(table, ScanSpec.Current).ReadBatches().Sum(b => b.RowCount);
            Assert.Equal(rows, seen.GetProperty("rowCount").GetInt32());
            Assert.Equal(catalog.CurrentSnapshot(table).DataFiles.Count, seen.GetProperty("dataFiles").GetArrayLength());
        }

        // The snapshot whose parents expired lists the files it inherited (status EXISTING, under the snapshot that
        // added each) beside its own, so every one of its rows is still readable by another engine.
        var telco = catalog.ListSnapshots("telco");
        var root = telco.Single(s => s.SnapshotId == 4066867435279121586);
        using (var connection = store.OpenConnection())
        {
            var list = (string)connection.ExecuteScalarValue("SELECT manifest_list FROM snapshots WHERE snapshot_id = 4066867435279121586;")!;
            var decoded = InteropReaders.DecodeAvro([IcebergLocation.ToLocalPath(list)]).EnumerateArray().Single();
            var manifests = decoded.GetProperty("records").EnumerateArray().ToList();
            Assert.Equal(2, manifests.Count);
            Assert.Equal(2, manifests.Sum(m => m.GetProperty("existing_files_count").GetInt32()));
            Assert.Equal(1, manifests.Sum(m => m.GetProperty("added_files_count").GetInt32()));
            Assert.Equal(root.Summary.TotalRecords, manifests.Sum(m => m.GetProperty("existing_rows_count").GetInt64() + m.GetProperty("added_rows_count").GetInt64()));
        }

        // And the table goes on: the next append is v2.
        catalog.Append("fraud.cards", catalog.Scan("fraud.cards", ScanSpec.Current).ReadBatches());
        Assert.True(File.Exists(Path.Combine(_root, "tables", "fraud.cards", "metadata", "v2.metadata.json")));
    }

    /// <summary>Builds the fixture store at schema version 7; returns each table's snapshots (id, sorted files).</summary>
    private Dictionary<string, List<(long Id, string Files)>> RestoreFixture()
    {
        var fixture = Path.Combine(AppContext.BaseDirectory, "Tables", "Fixtures", "store-v7");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(fixture, "tables"), "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(_root, Path.GetRelativePath(fixture, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        var snapshots = new Dictionary<string, List<(long, string)>>();
        using (var connection = new SqliteConnection($"Data Source={Path.Combine(_root, "catalog.db")};Pooling=False"))
        {
            connection.Open();
            using (var command = connection.CreateCommand())
            {
                // The dump creates tables in name order: a child before its parent, so no foreign key checks while loading.
                command.CommandText = "PRAGMA foreign_keys = OFF;\n" + File.ReadAllText(Path.Combine(fixture, "catalog.sql")) + "\nPRAGMA user_version = 7;";
                command.ExecuteNonQuery();
            }

            // What each snapshot could see before: its own files and those inherited from expired parents, walking
            // the parents still present (all appends here).
            using var query = connection.CreateCommand();
            query.CommandText = """
                SELECT t.name, s.snapshot_id,
                    (WITH RECURSIVE chain(id, parent) AS (
                        SELECT s.snapshot_id, s.parent_id
                        UNION ALL SELECT p.snapshot_id, p.parent_id FROM chain c JOIN snapshots p ON p.snapshot_id = c.parent)
                     SELECT group_concat(path, ',') FROM (
                        SELECT f.path FROM chain c JOIN data_files f ON f.added_snapshot_id = c.id
                        UNION SELECT f.path FROM chain c JOIN inherited_files i ON i.snapshot_id = c.id JOIN data_files f ON f.file_id = i.file_id
                        ORDER BY 1))
                FROM snapshots s JOIN tables t ON t.table_id = s.table_id ORDER BY t.name, s.sequence_number;
                """;
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                var table = reader.GetString(0);
                if (!snapshots.TryGetValue(table, out var list))
                {
                    snapshots[table] = list = [];
                }

                list.Add((reader.GetInt64(1), reader.GetString(2)));
            }
        }

        Assert.Equal(2, snapshots["telco"].Count);
        return snapshots;
    }
}
