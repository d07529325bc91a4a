using System.Text.Json;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>One snapshot as the metadata file lists it.</summary>
internal sealed record MetadataSnapshot(
    long SnapshotId,
    long? ParentId,
    long SequenceNumber,
    long TimestampMs,
    string Operation,
    IReadOnlyDictionary<string, string> Summary,
    string ManifestList);

/// <summary>
/// A table's Iceberg metadata file, <c>metadata/vN.metadata.json</c> (format version 2): what the table is
/// (uuid, location, schema with field ids, the unpartitioned spec, the unsorted order, properties) and every
/// live snapshot, the snapshot log and the log of earlier metadata files. Written with System.Text.Json's
/// writer; 64-bit ids are JSON numbers, as Iceberg writes them.
/// </summary>
internal sealed record TableMetadataDocument(
    string TableUuid,
    string Location,
    long LastSequenceNumber,
    long LastUpdatedMs,
    TableSchema Schema,
    IReadOnlyDictionary<string, string> Properties,
    long? CurrentSnapshotId,
    IReadOnlyList<MetadataSnapshot> Snapshots,
    IReadOnlyList<(long TimestampMs, long SnapshotId)> SnapshotLog,
    IReadOnlyList<(long TimestampMs, string MetadataFile)> MetadataLog)
{
    /// <summary>Iceberg's id for the last partition field of an unpartitioned table (the spec's 1000 - 1).</summary>
    private const int LastPartitionId = 999;

    public byte[] ToUtf8()
    {
        using var buffer = new MemoryStream();
        // Compact, as PyIceberg writes it: the file grows with the snapshot log and is rewritten at every commit.
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("format-version", 2);
            json.WriteString("table-uuid", TableUuid);
            json.WriteString("location", Location);
            json.WriteNumber("last-sequence-number", LastSequenceNumber);
            json.WriteNumber("last-updated-ms", LastUpdatedMs);
            json.WriteNumber("last-column-id", Schema.Columns.Count);
            json.WriteNumber("current-schema-id", IcebergSchema.SchemaId);
            json.WritePropertyName("schemas");
            json.WriteStartArray();
            IcebergSchema.Write(json, Schema);
            json.WriteEndArray();
            json.WriteNumber("default-spec-id", 0);
            json.WritePropertyName("partition-specs");
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteNumber("spec-id", 0);
            json.WriteStartArray("fields");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteNumber("last-partition-id", LastPartitionId);
            json.WriteNumber("default-sort-order-id", 0);
            json.WritePropertyName("sort-orders");
            json.WriteStartArray();
            json.WriteStartObject();
            json.WriteNumber("order-id", 0);
            json.WriteStartArray("fields");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("properties");
            foreach (var (key, value) in Properties)
            {
                json.WriteString(key, value);
            }

            json.WriteEndObject();
            if (CurrentSnapshotId is { } current)
            {
                json.WriteNumber("current-snapshot-id", current);
                json.WriteStartObject("refs");
                json.WriteStartObject("main");
                json.WriteNumber("snapshot-id", current);
                json.WriteString("type", "branch");
                json.WriteEndObject();
                json.WriteEndObject();
            }
            else
            {
                json.WriteNull("current-snapshot-id");
                json.WriteStartObject("refs");
                json.WriteEndObject();
            }

            json.WriteStartArray("snapshots");
            foreach (var snapshot in Snapshots)
            {
                json.WriteStartObject();
                json.WriteNumber("snapshot-id", snapshot.SnapshotId);
                if (snapshot.ParentId is { } parent)
                {
                    json.WriteNumber("parent-snapshot-id", parent);
                }

                json.WriteNumber("sequence-number", snapshot.SequenceNumber);
                json.WriteNumber("timestamp-ms", snapshot.TimestampMs);
                json.WriteString("manifest-list", snapshot.ManifestList);
                json.WriteStartObject("summary");
                json.WriteString("operation", snapshot.Operation);
                foreach (var (key, value) in snapshot.Summary)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
                json.WriteNumber("schema-id", IcebergSchema.SchemaId);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("statistics");
            json.WriteEndArray();
            json.WriteStartArray("partition-statistics");
            json.WriteEndArray();
            json.WriteStartArray("snapshot-log");
            foreach (var (timestamp, id) in SnapshotLog)
            {
                json.WriteStartObject();
                json.WriteNumber("timestamp-ms", timestamp);
                json.WriteNumber("snapshot-id", id);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("metadata-log");
            foreach (var (timestamp, file) in MetadataLog)
            {
                json.WriteStartObject();
                json.WriteNumber("timestamp-ms", timestamp);
                json.WriteString("metadata-file", file);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Reads a metadata file written by any Iceberg writer. A file that is not JSON, not format version 1 or 2,
    /// or lacks a required key is an <see cref="InvalidTableMetadataException"/> naming it.
    /// </summary>
    public static TableMetadataDocument Read(string location)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(IcebergLocation.ToLocalPath(location));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidTableMetadataException(location, e.Message, e);
        }

        try
        {
            using var document = JsonDocument.Parse(bytes);
            var root = document.RootElement;
            var version = root.GetProperty("format-version").GetInt32();
            if (version is not (1 or 2))
            {
                throw new InvalidTableMetadataException(location, $"format-version {version} is not one MlopsPS reads (1 or 2).");
            }

            var schemaId = root.TryGetProperty("current-schema-id", out var sid) ? sid.GetInt32() : 0;
            var schemaElement = root.TryGetProperty("schemas", out var schemas)
                ? schemas.EnumerateArray().First(s => (s.TryGetProperty("schema-id", out var id) ? id.GetInt32() : 0) == schemaId)
                : root.GetProperty("schema");
            var schema = IcebergSchema.Read(schemaElement, out var problem);
            if (problem is not null)
            {
                throw new InvalidTableMetadataException(location, problem + ".");
            }

            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("properties", out var props))
            {
                foreach (var property in props.EnumerateObject())
                {
                    properties[property.Name] = property.Value.GetString() ?? "";
                }
            }

            long? current = root.TryGetProperty("current-snapshot-id", out var cur) && cur.ValueKind == JsonValueKind.Number && cur.GetInt64() >= 0
                ? cur.GetInt64()
                : null;
            var snapshots = new List<MetadataSnapshot>();
            if (root.TryGetProperty("snapshots", out var list))
            {
                foreach (var s in list.EnumerateArray())
                {
                    var summary = new Dictionary<string, string>(StringComparer.Ordinal);
                    var operation = "append";
                    if (s.TryGetProperty("summary", out var sum))
                    {
                        foreach (var entry in sum.EnumerateObject())
                        {
                            if (entry.Name == "operation")
                            {
                                operation = entry.Value.GetString() ?? operation;
                            }
                            else
                            {
                                summary[entry.Name] = entry.Value.GetString() ?? "";
                            }
                        }
                    }

                    snapshots.Add(new MetadataSnapshot(
                        s.GetProperty("snapshot-id").GetInt64(),
                        s.TryGetProperty("parent-snapshot-id", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : null,
                        s.TryGetProperty("sequence-number", out var seq) ? seq.GetInt64() : 0,
                        s.GetProperty("timestamp-ms").GetInt64(),
                        operation,
                        summary,
                        s.TryGetProperty("manifest-list", out var ml) ? ml.GetString() ?? "" : ""));
                }
            }

            return new TableMetadataDocument(
                root.GetProperty("table-uuid").GetString() ?? "",
                root.GetProperty("location").GetString() ?? "",
                root.TryGetProperty("last-sequence-number", out var last) ? last.GetInt64() : 0,
                root.GetProperty("last-updated-ms").GetInt64(),
                schema,
                properties,
                current,
                snapshots,
                ReadLog(root, "snapshot-log", e => (e.GetProperty("timestamp-ms").GetInt64(), e.GetProperty("snapshot-id").GetInt64())),
                ReadLog(root, "metadata-log", e => (e.GetProperty("timestamp-ms").GetInt64(), e.GetProperty("metadata-file").GetString() ?? "")));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or InvalidSchemaException)
        {
            throw new InvalidTableMetadataException(location, e.Message, e);
        }
    }

    private static List<T> ReadLog<T>(JsonElement root, string name, Func<JsonElement, T> read) =>
        root.TryGetProperty(name, out var log) ? log.EnumerateArray().Select(read).ToList() : [];
}
