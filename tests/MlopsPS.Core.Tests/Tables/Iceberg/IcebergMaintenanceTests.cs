using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>The tests of <see cref="IcebergMaintenanceTests"/> on a SQLite store.</summary>
public sealed class SqliteIcebergMaintenanceTests() : IcebergMaintenanceTests(StoreBackend.Sqlite, null);

/// <summary>The same tests on a PostgreSQL store, a database of its own in the run's private cluster.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlIcebergMaintenanceTests(PostgresCluster cluster) : IcebergMaintenanceTests(StoreBackend.PostgreSql, cluster);

/// <summary>Expiry removes the Iceberg files no kept snapshot needs; orphan cleanup knows every kind of file.</summary>
public abstract class IcebergMaintenanceTests(StoreBackend backend, PostgresCluster? cluster)
{
    [Fact]
    public void Expiry_DeletesTheManifestListsManifestsAndMetadataFilesOnlyExpiredSnapshotsNeed()
    {
        using var temp = new TempStore(backend, cluster);
        var a = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);          // v1
        var b = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);         // v2
        temp.Catalog.Rollback("t", a.SnapshotId);                              // v3
        var c = temp.Catalog.Append("t", [SampleRows.Batch(20, 10)]);         // v4: its list carries a's manifest
        var before = MetadataFiles(temp);

        var result = temp.Catalog.ExpireSnapshots("t", olderThan: DateTime.UtcNow.AddSeconds(1), retainLast: 1); // v5

        Assert.Equal([a.SnapshotId, b.SnapshotId], result.ExpiredSnapshotIds);
        var after = MetadataFiles(temp);
        var deleted = before.Except(after).ToList();
        Assert.Equal(result.DeletedMetadataFiles!.Select(Path.GetFileName).Order(), deleted.Order());
        // a's and b's manifest lists, b's manifest (a's is still in c's list), and v1-v3 (their current snapshots are gone).
        Assert.Equal(2, deleted.Count(f => f.StartsWith("snap-", StringComparison.Ordinal)));
        Assert.Single(deleted, f => f.EndsWith("-m0.avro", StringComparison.Ordinal));
        Assert.Equal(["v1.metadata.json", "v2.metadata.json", "v3.metadata.json"], deleted.Where(f => f.EndsWith(".json", StringComparison.Ordinal)).Order());
        Assert.Contains("v5.metadata.json", after);

        // The expired data file (b's) is gone, nothing is left an orphan, and another engine reads all of c.
        Assert.Single(result.DeletedFiles);
        Assert.Empty(temp.Catalog.RemoveOrphanFiles("t", TimeSpan.Zero, dryRun: true).Files);
        var seen = InteropReaders.Icebird(IcebirdTests.TableLocation(temp, "t"));
        Assert.Equal(20, seen.GetProperty("rowCount").GetInt32());
        Assert.Equal(c.SnapshotId.ToString(System.Globalization.CultureInfo.InvariantCulture), seen.GetProperty("entrySnapshotIds")[1].GetString());
    }

    [Fact]
    public void RemoveOrphanFiles_DeletesStrayIcebergFiles_AndKeepsEveryReferencedOneAndTheVersionHint()
    {
        using var temp = new TempStore(backend, cluster);
        temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        var metadata = Path.Combine(temp.TableFolder("t"), "metadata");
        File.WriteAllText(Path.Combine(metadata, "stray-m0.avro"), "x");              // a crashed commit's manifest
        File.WriteAllText(Path.Combine(metadata, "v9.metadata.json"), "{}");          // a rolled-back commit's metadata
        File.WriteAllText(Path.Combine(metadata, "v3.metadata.json.abc.tmp"), "{");   // a write that never finished

        var result = temp.Catalog.RemoveOrphanFiles("t", TimeSpan.Zero);

        Assert.Equal(
            ["tables/t/metadata/stray-m0.avro", "tables/t/metadata/v3.metadata.json.abc.tmp", "tables/t/metadata/v9.metadata.json"],
            result.Files.Order(StringComparer.Ordinal));
        Assert.True(File.Exists(Path.Combine(metadata, IcebergLocation.VersionHintFile)));
        Assert.Equal(20, InteropReaders.Icebird(IcebirdTests.TableLocation(temp, "t")).GetProperty("rowCount").GetInt32());
    }

    [Fact]
    public void EachCommit_KeepsTheLast100EarlierMetadataFiles_AsIcebergsDeleteAfterCommit()
    {
        using var temp = new TempStore(backend, cluster);
        for (var i = 0; i < 102; i++)
        {
            temp.Catalog.Append("t", [SampleRows.Batch(i, 1)]);
        }

        var files = MetadataFiles(temp).Where(f => f.EndsWith(".metadata.json", StringComparison.Ordinal)).ToList();
        Assert.Equal(101, files.Count); // v2 .. v102
        Assert.DoesNotContain("v1.metadata.json", files);
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(temp.TableFolder("t"), "metadata", "v102.metadata.json")));
        var log = document.RootElement.GetProperty("metadata-log").EnumerateArray().Select(e => Path.GetFileName(e.GetProperty("metadata-file").GetString()!)).ToList();
        Assert.Equal(100, log.Count);
        Assert.Equal("v2.metadata.json", log[0]);
        var properties = document.RootElement.GetProperty("properties");
        Assert.Equal("true", properties.GetProperty("write.metadata.delete-after-commit.enabled").GetString());
        Assert.Equal("100", properties.GetProperty("write.metadata.previous-versions-max").GetString());
        Assert.Equal(102, SampleRows.Ids(temp.Catalog.Scan("t", MlopsPS.Core.Tables.ScanSpec.Current)).Length);
        Assert.Empty(temp.Catalog.RemoveOrphanFiles("t", TimeSpan.Zero, dryRun: true).Files);
    }

    private static List<string> MetadataFiles(TempStore temp) =>
        Directory.GetFiles(Path.Combine(temp.TableFolder("t"), "metadata")).Select(f => Path.GetFileName(f)!).ToList();
}
