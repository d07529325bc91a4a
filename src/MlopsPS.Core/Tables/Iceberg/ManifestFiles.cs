using System.Globalization;
using Avro;
using Avro.File;
using Avro.Generic;
using Avro.IO;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>One entry of a manifest list: a manifest and what it holds.</summary>
internal sealed record ManifestListEntry(
    string ManifestPath,
    long ManifestLength,
    int Content,
    long SequenceNumber,
    long MinSequenceNumber,
    long AddedSnapshotId,
    int AddedFiles,
    int ExistingFiles,
    int DeletedFiles,
    long AddedRows,
    long ExistingRows,
    long DeletedRows);

/// <summary>A data file a manifest adds: its location and the statistics written with it.</summary>
/// <param name="AddedBySnapshotId">For an EXISTING entry, the snapshot that first added the file.</param>
/// <param name="DataSequenceNumber">For an EXISTING or DELETED entry, the sequence number the file was added with, when known.</param>
internal sealed record ManifestDataFile(
    string Location, long RecordCount, long SizeBytes, IReadOnlyList<ColumnStatistics>? Statistics, long? AddedBySnapshotId = null, long? DataSequenceNumber = null);

/// <summary>A manifest entry as read back: enough to import another writer's appends.</summary>
internal sealed record ManifestEntryInfo(int Status, long? SnapshotId, int Content, string FilePath, string FileFormat, long RecordCount, long SizeBytes);

/// <summary>
/// Writes and reads Iceberg's Avro files: manifests (one per commit, listing the data files it added, status
/// ADDED) and manifest lists (one per snapshot, listing every manifest the snapshot needs), through Apache.Avro's
/// generic records and container files (deflate), with the file metadata keys Iceberg's readers look for.
/// </summary>
internal static class ManifestFiles
{
    public const int StatusExisting = 0;
    public const int StatusAdded = 1;
    public const int StatusDeleted = 2;

    /// <summary>
    /// Writes a manifest of <paramref name="files"/>, all with <paramref name="status"/> (ADDED by the snapshot,
    /// EXISTING: carried over from snapshots that are gone, or DELETED by the snapshot: what an overwrite replaced);
    /// returns its length in bytes.
    /// </summary>
    public static long WriteManifest(string fullPath, TableSchema schema, long snapshotId, long sequenceNumber, IReadOnlyList<ManifestDataFile> files, int status = StatusAdded)
    {
        var bytes = WriteContainer(ManifestSchemas.ManifestEntry, ManifestSchemas.ManifestEntryJson, new Dictionary<string, string>
        {
            ["schema"] = IcebergSchema.ToJson(schema),
            ["schema-id"] = Format(IcebergSchema.SchemaId),
            ["partition-spec"] = "[]",
            ["partition-spec-id"] = "0",
            ["format-version"] = "2",
            ["content"] = "data",
        }, files.Select(f => Entry(f, status, f.AddedBySnapshotId ?? snapshotId, f.DataSequenceNumber ?? sequenceNumber)));
        DurableFile.Write(fullPath, bytes);
        return bytes.Length;
    }

    /// <summary>Writes a snapshot's manifest list.</summary>
    public static void WriteManifestList(string fullPath, long snapshotId, long? parentId, long sequenceNumber, IReadOnlyList<ManifestListEntry> manifests)
    {
        var bytes = WriteContainer(ManifestSchemas.ManifestFile, ManifestSchemas.ManifestFileJson, new Dictionary<string, string>
        {
            ["snapshot-id"] = Format(snapshotId),
            ["parent-snapshot-id"] = parentId is { } parent ? Format(parent) : "null",
            ["sequence-number"] = Format(sequenceNumber),
            ["format-version"] = "2",
        }, manifests.Select(ListRecord));
        DurableFile.Write(fullPath, bytes);
    }

    /// <summary>Reads a manifest list (ours or another writer's; format v1 lists get v2's defaults).</summary>
    public static List<ManifestListEntry> ReadManifestList(string location) => ReadContainer(location, record => new ManifestListEntry(
        (string)record["manifest_path"],
        (long)record["manifest_length"],
        Get<int>(record, "content"),
        Get<long>(record, "sequence_number"),
        Get<long>(record, "min_sequence_number"),
        (long)record["added_snapshot_id"],
        Get<int>(record, "added_files_count", "added_data_files_count"),
        Get<int>(record, "existing_files_count", "existing_data_files_count"),
        Get<int>(record, "deleted_files_count", "deleted_data_files_count"),
        Get<long>(record, "added_rows_count"),
        Get<long>(record, "existing_rows_count"),
        Get<long>(record, "deleted_rows_count")));

    /// <summary>Reads the entries of a manifest.</summary>
    public static List<ManifestEntryInfo> ReadManifest(string location) => ReadContainer(location, record =>
    {
        var file = (GenericRecord)record["data_file"];
        return new ManifestEntryInfo(
            (int)record["status"],
            record.TryGetValue("snapshot_id", out var id) ? id as long? : null,
            Get<int>(file, "content"),
            (string)file["file_path"],
            (string)file["file_format"],
            (long)file["record_count"],
            (long)file["file_size_in_bytes"]);
    });

    private static GenericRecord Entry(ManifestDataFile file, int status, long snapshotId, long sequenceNumber)
    {
        var stats = file.Statistics;
        var data = new GenericRecord(ManifestSchemas.DataFile);
        data.Add("content", 0);
        data.Add("file_path", file.Location);
        data.Add("file_format", "PARQUET");
        data.Add("partition", new GenericRecord(ManifestSchemas.Partition));
        data.Add("record_count", file.RecordCount);
        data.Add("file_size_in_bytes", file.SizeBytes);
        data.Add("column_sizes", stats is null ? null : Map("column_sizes", stats, s => s.Size));
        data.Add("value_counts", stats is null ? null : Map("value_counts", stats, s => s.ValueCount));
        data.Add("null_value_counts", stats is null ? null : Map("null_value_counts", stats, s => s.NullCount));
        data.Add("nan_value_counts", stats is null ? null : Map("nan_value_counts", stats, s => s.IsFloatingPoint ? s.NanCount : null));
        data.Add("lower_bounds", stats is null ? null : Map("lower_bounds", stats, s => s.LowerBound()));
        data.Add("upper_bounds", stats is null ? null : Map("upper_bounds", stats, s => s.UpperBound()));
        data.Add("key_metadata", null);
        data.Add("split_offsets", null);
        data.Add("equality_ids", null);
        data.Add("sort_order_id", 0);

        var entry = new GenericRecord(ManifestSchemas.ManifestEntry);
        entry.Add("status", status);
        entry.Add("snapshot_id", snapshotId);
        entry.Add("sequence_number", sequenceNumber);
        entry.Add("file_sequence_number", sequenceNumber);
        entry.Add("data_file", data);
        return entry;
    }

    /// <summary>An Iceberg map keyed by field id, as Avro's array of key/value records; columns without a value are left out.</summary>
    private static object[] Map(string field, IReadOnlyList<ColumnStatistics> stats, Func<ColumnStatistics, object?> value)
    {
        var schema = ManifestSchemas.MapEntry(field);
        var entries = new List<object>(stats.Count);
        for (var i = 0; i < stats.Count; i++)
        {
            if (value(stats[i]) is { } v)
            {
                var pair = new GenericRecord(schema);
                pair.Add("key", IcebergSchema.FieldId(i));
                pair.Add("value", v);
                entries.Add(pair);
            }
        }

        return entries.ToArray();
    }

    private static GenericRecord ListRecord(ManifestListEntry manifest)
    {
        var record = new GenericRecord(ManifestSchemas.ManifestFile);
        record.Add("manifest_path", manifest.ManifestPath);
        record.Add("manifest_length", manifest.ManifestLength);
        record.Add("partition_spec_id", 0);
        record.Add("content", manifest.Content);
        record.Add("sequence_number", manifest.SequenceNumber);
        record.Add("min_sequence_number", manifest.MinSequenceNumber);
        record.Add("added_snapshot_id", manifest.AddedSnapshotId);
        record.Add("added_files_count", manifest.AddedFiles);
        record.Add("existing_files_count", manifest.ExistingFiles);
        record.Add("deleted_files_count", manifest.DeletedFiles);
        record.Add("added_rows_count", manifest.AddedRows);
        record.Add("existing_rows_count", manifest.ExistingRows);
        record.Add("deleted_rows_count", manifest.DeletedRows);
        record.Add("partitions", Array.Empty<object>());
        record.Add("key_metadata", null);
        return record;
    }

    private static byte[] WriteContainer(RecordSchema schema, string schemaJson, Dictionary<string, string> metadata, IEnumerable<GenericRecord> records)
    {
        var buffer = new MemoryStream();
        using (var writer = DataFileWriter<GenericRecord>.OpenWriter(new GenericDatumWriter<GenericRecord>(schema), buffer, Codec.CreateCodec(Codec.Type.Deflate)))
        {
            foreach (var (key, value) in metadata)
            {
                writer.SetMeta(key, value);
            }

            foreach (var record in records)
            {
                writer.Append(record);
            }
        }

        return WithSchemaText(buffer.ToArray(), schemaJson);
    }

    /// <summary>
    /// The container with its header's <c>avro.schema</c> replaced by <paramref name="schemaJson"/>, the same schema
    /// with Iceberg's <c>logicalType: map</c> attributes, which Apache.Avro leaves out when it writes a schema (the
    /// attribute does not change how a single byte is encoded). The header is decoded and encoded again with
    /// Apache.Avro's own binary decoder and encoder; the data blocks after it are kept as written.
    /// </summary>
    private static byte[] WithSchemaText(byte[] container, string schemaJson)
    {
        using var input = new MemoryStream(container, writable: false);
        var decoder = new BinaryDecoder(input);
        var magic = new byte[DataFileConstants.Magic.Length];
        decoder.ReadFixed(magic);
        var metadata = new List<(string Key, byte[] Value)>();
        for (var count = decoder.ReadMapStart(); count != 0; count = decoder.ReadMapNext())
        {
            for (var i = 0L; i < count; i++)
            {
                var key = decoder.ReadString();
                var value = decoder.ReadBytes();
                metadata.Add((key, key == DataFileConstants.MetaDataSchema ? System.Text.Encoding.UTF8.GetBytes(schemaJson) : value));
            }
        }

        using var output = new MemoryStream(container.Length + 1024);
        var encoder = new BinaryEncoder(output);
        encoder.WriteFixed(magic);
        encoder.WriteMapStart();
        encoder.SetItemCount(metadata.Count);
        foreach (var (key, value) in metadata)
        {
            encoder.StartItem();
            encoder.WriteString(key);
            encoder.WriteBytes(value);
        }

        encoder.WriteMapEnd();
        encoder.Flush();
        output.Write(container, (int)input.Position, container.Length - (int)input.Position);
        return output.ToArray();
    }

    private static List<T> ReadContainer<T>(string location, Func<GenericRecord, T> read)
    {
        var path = IcebergLocation.ToLocalPath(location);
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = DataFileReader<GenericRecord>.OpenReader(stream);
            var records = new List<T>();
            while (reader.HasNext())
            {
                records.Add(read(reader.Next()));
            }

            return records;
        }
        catch (Exception e) when (e is AvroException or IOException or InvalidCastException or KeyNotFoundException or NullReferenceException or UnauthorizedAccessException)
        {
            throw new InvalidTableMetadataException(location, e.Message, e);
        }
    }

    private static T Get<T>(GenericRecord record, params string[] names)
        where T : struct
    {
        foreach (var name in names)
        {
            if (record.TryGetValue(name, out var value) && value is T typed)
            {
                return typed;
            }
        }

        return default;
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
