using System.Globalization;
using System.Text;
using System.Text.Json;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tests.Tables.Iceberg;

/// <summary>Every manifest list and manifest we write, decoded by Debian's python3-avro, has Iceberg's ids and keys.</summary>
public sealed class AvroManifestTests
{
    private static readonly Dictionary<string, int> s_manifestFileIds = new()
    {
        ["manifest_path"] = 500, ["manifest_length"] = 501, ["partition_spec_id"] = 502, ["content"] = 517,
        ["sequence_number"] = 515, ["min_sequence_number"] = 516, ["added_snapshot_id"] = 503,
        ["added_files_count"] = 504, ["existing_files_count"] = 505, ["deleted_files_count"] = 506,
        ["added_rows_count"] = 512, ["existing_rows_count"] = 513, ["deleted_rows_count"] = 514,
        ["partitions"] = 507, ["key_metadata"] = 519,
    };

    private static readonly Dictionary<string, int> s_entryIds = new()
    {
        ["status"] = 0, ["snapshot_id"] = 1, ["sequence_number"] = 3, ["file_sequence_number"] = 4, ["data_file"] = 2,
    };

    private static readonly Dictionary<string, int> s_dataFileIds = new()
    {
        ["content"] = 134, ["file_path"] = 100, ["file_format"] = 101, ["partition"] = 102, ["record_count"] = 103,
        ["file_size_in_bytes"] = 104, ["column_sizes"] = 108, ["value_counts"] = 109, ["null_value_counts"] = 110,
        ["nan_value_counts"] = 137, ["lower_bounds"] = 125, ["upper_bounds"] = 128, ["key_metadata"] = 131,
        ["split_offsets"] = 132, ["equality_ids"] = 135, ["sort_order_id"] = 140,
    };

    [Fact]
    public void PythonAvro_DecodesEveryManifestListAndManifest_WithIcebergFieldIdsAndFileMetadata()
    {
        using var temp = new TempStore();
        var first = temp.Catalog.Append("t", [SampleRows.Batch(0, 300)]);
        var second = temp.Catalog.Append("t", [SampleRows.Batch(300, 20)]);
        var files = Directory.GetFiles(Path.Combine(temp.TableFolder("t"), "metadata"), "*.avro");
        Assert.Equal(4, files.Length); // one manifest and one manifest list per commit

        var decoded = InteropReaders.DecodeAvro(files).EnumerateArray().ToList();

        var lists = decoded.Where(f => f.GetProperty("metadata").TryGetProperty("snapshot-id", out _)).ToList();
        var manifests = decoded.Where(f => Metadata(f, "content") == "data").ToList();
        Assert.Equal(2, lists.Count);
        Assert.Equal(2, manifests.Count);
        foreach (var list in lists)
        {
            Assert.Equal("deflate", list.GetProperty("codec").GetString());
            Assert.Equal("2", Metadata(list, "format-version"));
            Assert.Equal(s_manifestFileIds, FieldIds(list.GetProperty("schema")));
        }

        // The second snapshot's list carries the first's manifest over and adds its own.
        var secondList = lists.Single(l => Metadata(l, "snapshot-id") == Id(second.SnapshotId));
        Assert.Equal(Id(first.SnapshotId), Metadata(secondList, "parent-snapshot-id"));
        Assert.Equal("2", Metadata(secondList, "sequence-number"));
        Assert.Equal(
            new[] { first.SnapshotId, second.SnapshotId }.Order(),
            secondList.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("added_snapshot_id").GetInt64()).Order());

        foreach (var manifest in manifests)
        {
            Assert.Equal("2", Metadata(manifest, "format-version"));
            Assert.Equal("[]", Metadata(manifest, "partition-spec"));
            Assert.Equal("0", Metadata(manifest, "partition-spec-id"));
            var tableSchema = JsonDocument.Parse(Metadata(manifest, "schema")!).RootElement;
            Assert.Equal(
                SampleRows.Schema.Columns.Select((c, i) => (i + 1, c.Name, !c.Nullable)),
                tableSchema.GetProperty("fields").EnumerateArray().Select(f => (f.GetProperty("id").GetInt32(), f.GetProperty("name").GetString()!, f.GetProperty("required").GetBoolean())));
            var schema = manifest.GetProperty("schema");
            Assert.Equal(s_entryIds, FieldIds(schema));
            var dataFile = schema.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "data_file").GetProperty("type");
            Assert.Equal(s_dataFileIds, FieldIds(dataFile));
            var lowerBounds = dataFile.GetProperty("fields").EnumerateArray().Single(f => f.GetProperty("name").GetString() == "lower_bounds");
            var mapArray = lowerBounds.GetProperty("type")[1];
            Assert.Equal("map", mapArray.GetProperty("logicalType").GetString());
            Assert.Equal(new Dictionary<string, int> { ["key"] = 126, ["value"] = 127 }, FieldIds(mapArray.GetProperty("items")));
        }

        var entry = Assert.Single(manifests.Single(m => Entries(m).Single().GetProperty("snapshot_id").GetInt64() == first.SnapshotId).GetProperty("records").EnumerateArray());
        Assert.Equal(1, entry.GetProperty("status").GetInt32()); // ADDED
        Assert.Equal(1, entry.GetProperty("sequence_number").GetInt64());
        var file = entry.GetProperty("data_file");
        Assert.Equal(0, file.GetProperty("content").GetInt32());
        Assert.Equal("PARQUET", file.GetProperty("file_format").GetString());
        Assert.Equal(IcebergLocation.ToUri(Path.Combine(temp.Root, Assert.Single(first.DataFiles))), file.GetProperty("file_path").GetString());
        Assert.Equal(300, file.GetProperty("record_count").GetInt64());
        Assert.Equal(new FileInfo(Path.Combine(temp.Root, first.DataFiles[0])).Length, file.GetProperty("file_size_in_bytes").GetInt64());

        Assert.All(Map(file, "value_counts"), pair => Assert.Equal("300", pair.Value));
        Assert.Equal("60", Map(file, "null_value_counts")[2]); // name: every fifth row is null
        Assert.Equal("0", Map(file, "null_value_counts")[1]);
        Assert.Equal(new[] { 3, 4 }, Map(file, "nan_value_counts").Keys.Order()); // score, ratio
        Assert.Equal(Hex(BitConverter.GetBytes(0L)), Map(file, "lower_bounds")[1]);
        Assert.Equal(Hex(BitConverter.GetBytes(299L)), Map(file, "upper_bounds")[1]);
        Assert.Equal(Hex(Encoding.UTF8.GetBytes("name-1")), Map(file, "lower_bounds")[2]);
        Assert.Equal(Hex(Encoding.UTF8.GetBytes("name-99")), Map(file, "upper_bounds")[2]);
        Assert.Equal("01", Map(file, "upper_bounds")[6]); // flag: true
        var sizes = Map(file, "column_sizes").Values.Select(v => long.Parse(v, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(7, sizes.Count);
        Assert.All(sizes, size => Assert.True(size > 0));
        Assert.True(sizes.Sum() < file.GetProperty("file_size_in_bytes").GetInt64());
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static string? Metadata(JsonElement file, string key) =>
        file.GetProperty("metadata").TryGetProperty(key, out var value) ? value.GetString() : null;

    private static IEnumerable<JsonElement> Entries(JsonElement manifest) => manifest.GetProperty("records").EnumerateArray();

    /// <summary>A record schema's fields and their field-id attributes, as stored in the file.</summary>
    private static Dictionary<string, int> FieldIds(JsonElement record) =>
        record.GetProperty("fields").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("field-id").GetInt32());

    /// <summary>An Iceberg map (Avro array of key/value records) as field id -> value text.</summary>
    private static Dictionary<int, string> Map(JsonElement dataFile, string name) =>
        dataFile.GetProperty(name).EnumerateArray().ToDictionary(
            p => p.GetProperty("key").GetInt32(),
            p => p.GetProperty("value").ValueKind == JsonValueKind.String ? p.GetProperty("value").GetString()! : p.GetProperty("value").GetRawText());
}
