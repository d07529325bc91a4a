using System.Globalization;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>
/// Another Iceberg writer (tests/interop/foreign_commit.py: python3-avro and sqlite3, no MlopsPS code) commits to
/// one of our tables: MlopsPS imports its appends, refuses anything else naming both metadata files, and never
/// writes over its commit.
/// </summary>
public sealed class ForeignWriterTests
{
    [Fact]
    public void AForeignAppend_IsImportedAtTheNextRead_AndTheNextCommitBuildsOnIt()
    {
        using var temp = new TempStore();
        var ours = temp.Catalog.Append("t", [SampleRows.Batch(0, 100)]);
        var copy = CopyOfDataFile(temp, ours);

        var foreign = InteropReaders.ForeignCommit(temp.Store.CatalogPath, "default", "t", copy, 100);
        var foreignId = long.Parse(foreign.GetProperty("snapshot_id").GetString()!, CultureInfo.InvariantCulture);

        var current = temp.Catalog.CurrentSnapshot("t");
        Assert.Equal(foreignId, current.SnapshotId);
        Assert.Equal(ours.SnapshotId, current.ParentId);
        Assert.Equal(200, current.Summary.TotalRecords);
        Assert.Equal(200, SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Current)).Length);
        Assert.Equal(SampleRows.Range(0, 100), SampleRows.Ids(temp.Catalog.Scan("t", ScanSpec.Incremental(ours.SnapshotId))));

        var next = temp.Catalog.Append("t", [SampleRows.Batch(100, 10)]);
        Assert.Equal(foreignId, next.ParentId);
        Assert.Equal(210, next.Summary.TotalRecords);
        // Our commit swapped from the other writer's metadata file, and an independent reader sees all of it.
        using (var connection = temp.Store.OpenConnection())
        {
            Assert.Equal(foreign.GetProperty("metadata_location").GetString(), connection.ExecuteScalarValue(
                "SELECT previous_metadata_location FROM iceberg_tables WHERE table_name = 't';"));
        }

        Assert.Equal(210, InteropReaders.Icebird(IcebirdTests.TableLocation(temp, "t")).GetProperty("rowCount").GetInt32());
    }

    [Fact]
    public void AForeignOverwrite_IsRefused_NamingBothMetadataFiles_AndNothingIsWrittenOverIt()
    {
        using var temp = new TempStore();
        var ours = temp.Catalog.Append("t", [SampleRows.Batch(0, 100)]);
        var copy = CopyOfDataFile(temp, ours);
        var foreign = InteropReaders.ForeignCommit(temp.Store.CatalogPath, "default", "t", copy, 100, "--operation", "overwrite");
        var theirs = foreign.GetProperty("metadata_location").GetString()!;

        var read = Assert.Throws<ForeignCommitException>(() => temp.Catalog.Scan("t", ScanSpec.Current));
        Assert.Contains(theirs, read.Message, StringComparison.Ordinal);
        Assert.Contains(foreign.GetProperty("previous").GetString()!, read.Message, StringComparison.Ordinal);
        Assert.Contains("overwrite", read.Message, StringComparison.Ordinal);
        Assert.Throws<ForeignCommitException>(() => temp.Catalog.Append("t", [SampleRows.Batch(100, 10)]));

        using var connection = temp.Store.OpenConnection();
        Assert.Equal(theirs, connection.ExecuteScalarValue("SELECT metadata_location FROM iceberg_tables WHERE table_name = 't';"));
        Assert.Equal(1L, connection.ExecuteScalarValue("SELECT count(*) FROM snapshots;"));
    }

    [Fact]
    public void ATruncatedForeignMetadataFile_IsAnErrorNamingIt_AndTheTableIsLeftAsItWas()
    {
        using var temp = new TempStore();
        var ours = temp.Catalog.Append("t", [SampleRows.Batch(0, 100)]);
        var copy = CopyOfDataFile(temp, ours);
        var foreign = InteropReaders.ForeignCommit(temp.Store.CatalogPath, "default", "t", copy, 100, "--truncate");
        var theirs = foreign.GetProperty("metadata_location").GetString()!;

        var error = Assert.Throws<InvalidTableMetadataException>(() => temp.Catalog.CurrentSnapshot("t"));
        Assert.Equal(theirs, error.Location);
        Assert.Contains(theirs, error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidTableMetadataException>(() => temp.Catalog.Append("t", [SampleRows.Batch(100, 10)]));

        using var connection = temp.Store.OpenConnection();
        Assert.Equal(1L, connection.ExecuteScalarValue("SELECT count(*) FROM snapshots;"));
        Assert.Equal(theirs, connection.ExecuteScalarValue("SELECT metadata_location FROM iceberg_tables WHERE table_name = 't';"));
    }

    /// <summary>The other writer's data file: a copy of ours under a new name in the table's folder.</summary>
    private static string CopyOfDataFile(TempStore temp, Snapshot snapshot)
    {
        var copy = Path.Combine(temp.TableFolder("t"), "foreign-00000.parquet");
        File.Copy(Path.Combine(temp.Root, snapshot.DataFiles[0]), copy);
        return copy;
    }
}
