using System.Data.Common;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tables;

/// <summary>
/// The body of an append's (or overwrite's) commit transaction. It runs under the catalog's write lock, reads
/// the table's current snapshot and commits on top of it. When that is not the parent the writer started from,
/// another writer committed in between: the commit is re-based (new parent, next sequence number, totals
/// recomputed from the new parent). Re-basing in place is safe because the lock is held from this read to the
/// commit, and an append never conflicts with another append; an overwrite replaces whatever is current at
/// commit time, so a concurrent append is either committed before it (and replaced) or after it. Under the same
/// lock it first takes in what another Iceberg writer committed (or refuses), and last writes the snapshot's
/// Iceberg files and moves the Iceberg catalog (<see cref="IcebergCommit"/>).
/// </summary>
internal static class SnapshotCommit
{
    public static (TableRow Table, SnapshotRow Snapshot, MetadataCommit Metadata) Run(
        DbConnection connection, string storeRoot, string tableName, TableSchema fileSchema, string? dataset, bool overwrite, WrittenDataFile? file)
    {
        var table = CatalogQueries.FindTable(connection, tableName);
        if (table is not null)
        {
            table = ForeignCommits.Reconcile(connection, storeRoot, table);
        }

        var nowUs = TableTime.NowMicros();
        var parentId = table?.CurrentSnapshotId;
        SnapshotSummary? parent = null;
        if (table is not null)
        {
            if (!table.Schema.Equals(fileSchema))
            {
                // Only possible when another writer created the table while this one wrote its file.
                SchemaCompatibility.Match(table.Name, table.Schema, fileSchema);
            }

            parent = CatalogQueries.RequireSnapshot(connection, table, table.CurrentSnapshotId).Summary;

            // Keep the snapshot log in time order even if two commits land in one microsecond or the clock
            // steps back, so time travel is unambiguous.
            nowUs = Math.Max(nowUs, table.LastUpdatedUs + 1);
        }

        var addedRecords = file?.RecordCount ?? 0;
        var addedFiles = file is null ? 0 : 1;
        var addedSize = file?.SizeBytes ?? 0;
        var operation = !overwrite ? SnapshotOperation.Append
            : addedRecords > 0 ? SnapshotOperation.Overwrite
            : SnapshotOperation.Delete;
        var summary = overwrite
            ? new SnapshotSummary(
                addedRecords, addedFiles, addedSize, addedRecords, addedFiles, addedSize,
                DeletedRecords: parent?.TotalRecords ?? 0, DeletedFiles: parent?.TotalFiles ?? 0, RemovedFilesSize: parent?.TotalFilesSize ?? 0)
            : new SnapshotSummary(
                addedRecords, addedFiles, addedSize,
                (parent?.TotalRecords ?? 0) + addedRecords, (parent?.TotalFiles ?? 0) + addedFiles, (parent?.TotalFilesSize ?? 0) + addedSize);

        var snapshotId = SnapshotIds.NewUnused(connection);
        var sequence = (table?.LastSequenceNumber ?? 0) + 1;
        long tableId;
        if (table is null)
        {
            tableId = connection.Execute(
                """
                INSERT INTO tables (name, schema_json, dataset, current_snapshot_id, last_sequence_number, last_updated_us, created_at_us, table_uuid)
                VALUES (@name, @schema, @dataset, @snapshot, @sequence, @now, @now, @uuid) RETURNING table_id;
                """,
                ("@name", tableName), ("@schema", fileSchema.ToJson()), ("@dataset", dataset), ("@snapshot", snapshotId), ("@sequence", sequence), ("@now", nowUs),
                ("@uuid", Guid.NewGuid().ToString()));
            table = new TableRow(tableId, tableName, fileSchema, dataset, snapshotId, sequence, nowUs, nowUs);
        }
        else
        {
            tableId = table.TableId;
            connection.Execute(
                "UPDATE tables SET current_snapshot_id = @snapshot, last_sequence_number = @sequence, last_updated_us = @now WHERE table_id = @table;",
                ("@snapshot", snapshotId), ("@sequence", sequence), ("@now", nowUs), ("@table", tableId));
            table = table with { CurrentSnapshotId = snapshotId, LastSequenceNumber = sequence, LastUpdatedUs = nowUs };
        }

        connection.Execute(
            """
            INSERT INTO snapshots (snapshot_id, table_id, parent_id, sequence_number, committed_at_us, operation,
                added_records, added_files, added_files_size, deleted_records, deleted_files, removed_files_size,
                total_records, total_files, total_files_size)
            VALUES (@id, @table, @parent, @sequence, @now, @operation, @added_records, @added_files, @added_size,
                @deleted_records, @deleted_files, @removed_size, @total_records, @total_files, @total_size);
            """,
            ("@id", snapshotId), ("@table", tableId), ("@parent", parentId),
            ("@sequence", sequence), ("@now", nowUs), ("@operation", operation),
            ("@added_records", summary.AddedRecords), ("@added_files", summary.AddedFiles), ("@added_size", summary.AddedFilesSize),
            ("@deleted_records", summary.DeletedRecords), ("@deleted_files", summary.DeletedFiles), ("@removed_size", summary.RemovedFilesSize),
            ("@total_records", summary.TotalRecords), ("@total_files", summary.TotalFiles), ("@total_size", summary.TotalFilesSize));
        if (file is not null)
        {
            connection.Execute(
                "INSERT INTO data_files (table_id, path, record_count, size_bytes, added_snapshot_id) VALUES (@table, @path, @records, @size, @snapshot);",
                ("@table", tableId), ("@path", file.RelativePath), ("@records", file.RecordCount), ("@size", file.SizeBytes), ("@snapshot", snapshotId));
        }

        connection.Execute(
            "INSERT INTO snapshot_log (table_id, made_current_at_us, snapshot_id) VALUES (@table, @now, @snapshot);",
            ("@table", tableId), ("@now", nowUs), ("@snapshot", snapshotId));
        // An append's manifest list carries its parent's manifests over; an overwrite's starts afresh.
        var carried = operation == SnapshotOperation.Append && parentId is { } parentSnapshot
            ? IcebergCommit.Manifests(connection, parentSnapshot)
            : [];
        ManifestDataFile[] added = file is null
            ? []
            : [new ManifestDataFile(IcebergLocation.ToUri(file.FullPath), file.RecordCount, file.SizeBytes, file.Statistics)];
        IcebergCommit.WriteSnapshotFiles(
            connection, storeRoot, table.Name, table.Schema, snapshotId, parentId, sequence, carried, added,
            deleted: operation != SnapshotOperation.Append && parentId is { } replaced ? Replaced(connection, storeRoot, tableId, replaced) : null);
        var metadata = IcebergCommit.WriteMetadata(connection, storeRoot, table.Name);

        // The new snapshot's file list is loaded only if someone asks for it: listing it here would cost in
        // proportion to the table's history on every append.
        return (table, new SnapshotRow(snapshotId, parentId, sequence, nowUs, operation, summary), metadata);
    }

    /// <summary>
    /// What an overwrite or delete replaced: every file its parent could see, for the snapshot's manifest of DELETED
    /// entries (each with the sequence number it was added with, when that snapshot is still known). Costs in
    /// proportion to the table, as an overwrite rewrites it anyway.
    /// </summary>
    private static List<ManifestDataFile> Replaced(DbConnection connection, string storeRoot, long tableId, long parentId)
    {
        var sequences = CatalogQueries.ListSnapshots(connection, tableId).ToDictionary(s => s.SnapshotId, s => s.SequenceNumber);
        return CatalogQueries.VisibleFiles(connection, parentId)
            .Select(f => new ManifestDataFile(
                IcebergLocation.ToUri(TableFolders.FullPath(storeRoot, f.Path)), f.RecordCount, f.SizeBytes, Statistics: null,
                DataSequenceNumber: sequences.TryGetValue(f.AddedSnapshotId, out var sequence) ? sequence : null))
            .ToList();
    }
}
