using System.Globalization;
using System.Text.Json;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>Our tables read by icebird, a JavaScript Iceberg reader that shares nothing with MlopsPS.</summary>
public sealed class IcebirdTests
{
    [Fact]
    public void Icebird_ReadsTheCurrentSnapshot_TheSameRowsAndValuesAsReadTable()
    {
        using var temp = new TempStore();
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 300)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(300, 200)]);

        var seen = InteropReaders.Icebird(TableLocation(temp, "t"));

        Assert.Equal(2, seen.GetProperty("formatVersion").GetInt32());
        Assert.Equal(500, seen.GetProperty("rowCount").GetInt32());
        // 64-bit ids compared through the Avro manifests, which icebird reads exactly (JSON.parse would round them).
        Assert.Equal(
            new[] { first.SnapshotId, second.SnapshotId }.Select(id => id.ToString(CultureInfo.InvariantCulture)).Order(),
            seen.GetProperty("entrySnapshotIds").EnumerateArray().Select(e => e.GetString()!).Order());

        var expected = temp.Catalog.Scan("t", ScanSpec.Current).ReadBatches().ToList();
        var rows = seen.GetProperty("rows").EnumerateArray().OrderBy(r => long.Parse(r.GetProperty("id").GetString()!, CultureInfo.InvariantCulture)).ToList();
        var index = 0;
        foreach (var batch in expected)
        {
            for (var i = 0; i < batch.RowCount; i++, index++)
            {
                AssertRow(batch, i, rows[index]);
            }
        }

        Assert.Equal(500, index);
    }

    [Fact]
    public void Icebird_TimeTravelsThroughAnOlderMetadataFile_ToTheRowsOfThatCommit()
    {
        using var temp = new TempStore();
        temp.Catalog.Append("t", [SampleRows.Batch(0, 300)]);
        temp.Catalog.Append("t", [SampleRows.Batch(300, 200)]);
        temp.Catalog.Append("t", [SampleRows.Batch(500, 50)]);

        var v1 = InteropReaders.Icebird(TableLocation(temp, "t"), "v1.metadata.json");
        var v2 = InteropReaders.Icebird(TableLocation(temp, "t"), "v2.metadata.json");
        var current = InteropReaders.Icebird(TableLocation(temp, "t"));

        Assert.Equal(300, v1.GetProperty("rowCount").GetInt32());
        Assert.Equal(SampleRows.Range(0, 300), Ids(v1));
        Assert.Equal(500, v2.GetProperty("rowCount").GetInt32());
        Assert.Equal(550, current.GetProperty("rowCount").GetInt32());
    }

    [Fact]
    public void Icebird_AfterARollback_ReadsTheRollbackTarget()
    {
        using var temp = new TempStore();
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        temp.Catalog.Rollback("t", first.SnapshotId);

        var seen = InteropReaders.Icebird(TableLocation(temp, "t"));

        Assert.Equal(SampleRows.Range(0, 10), Ids(seen));
    }

    [Fact]
    public void AnOverwrite_ListsTheFilesItReplacedAsDeleted_AndIcebirdReadsOnlyItsRows()
    {
        using var temp = new TempStore();
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 10)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(10, 10)]);
        var overwrite = temp.Catalog.Append("t", [SampleRows.Batch(100, 5)], new AppendOptions { Overwrite = true });

        var seen = InteropReaders.Icebird(TableLocation(temp, "t"));
        Assert.Equal(SampleRows.Range(100, 5), Ids(seen));

        string list;
        using (var connection = temp.Store.OpenConnection())
        {
            list = IcebergCommit.ManifestListOf(connection, overwrite.SnapshotId)!;
        }

        var manifests = InteropReaders.DecodeAvro([IcebergLocation.ToLocalPath(list)]).EnumerateArray().Single().GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, manifests.Count);
        var deleted = manifests.Single(m => m.GetProperty("deleted_files_count").GetInt32() == 2);
        Assert.Equal(20, deleted.GetProperty("deleted_rows_count").GetInt64());
        Assert.Equal(1, deleted.GetProperty("min_sequence_number").GetInt64());
        var entries = InteropReaders.DecodeAvro([IcebergLocation.ToLocalPath(deleted.GetProperty("manifest_path").GetString()!)])
            .EnumerateArray().Single().GetProperty("records").EnumerateArray().ToList();
        Assert.All(entries, e => Assert.Equal(2, e.GetProperty("status").GetInt32())); // DELETED
        Assert.All(entries, e => Assert.Equal(overwrite.SnapshotId, e.GetProperty("snapshot_id").GetInt64()));
        Assert.Equal([1L, 2L], entries.Select(e => e.GetProperty("sequence_number").GetInt64()).Order());
        Assert.Equal(
            new[] { first, second }.Select(s => IcebergLocation.ToUri(Path.Combine(temp.Root, s.DataFiles[^1]))).Order(StringComparer.Ordinal),
            entries.Select(e => e.GetProperty("data_file").GetProperty("file_path").GetString()!).Order(StringComparer.Ordinal));
    }

    private static long[] Ids(JsonElement seen) => seen.GetProperty("rows").EnumerateArray()
        .Select(r => long.Parse(r.GetProperty("id").GetString()!, CultureInfo.InvariantCulture)).Order().ToArray();

    internal static string TableLocation(TempStore temp, string table) => IcebergLocation.ToUri(temp.TableFolder(table));

    private static void AssertRow(ColumnBatch batch, int i, JsonElement row)
    {
        var id = batch.Column<long>("id")[i];
        Assert.Equal(id.ToString(CultureInfo.InvariantCulture), row.GetProperty("id").GetString());
        Assert.Equal(batch.Column<string?>("name")[i], Nullable(row, "name")?.GetString());
        Assert.Equal(batch.Column<double?>("score")[i], Nullable(row, "score")?.GetDouble());
        Assert.Equal(batch.Column<float>("ratio")[i], (float)row.GetProperty("ratio").GetDouble());
        Assert.Equal(batch.Column<int?>("count")[i], Nullable(row, "count")?.GetInt32());
        Assert.Equal(batch.Column<bool>("flag")[i], row.GetProperty("flag").GetBoolean());
        var at = batch.Column<DateTime?>("at")[i];
        // icebird gives timestamps as JavaScript Dates (milliseconds): compare at that precision.
        Assert.Equal(
            at?.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            Nullable(row, "at")?.GetString());
    }

    private static JsonElement? Nullable(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
}
