using System.Data.Common;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// Notices and takes in what another Iceberg writer (Spark, PyIceberg, Trino, ...) committed to a table: when
/// <c>iceberg_tables.metadata_location</c> is not the metadata file MlopsPS committed last, that writer's
/// metadata file is read and its new snapshots imported into the index, under the catalog's write lock. Only
/// appends of Parquet data files (descending from a snapshot MlopsPS knows, with the table's schema, files inside
/// the store) can be imported; anything else is refused with a <see cref="ForeignCommitException"/> naming both
/// metadata files, and the table stays exactly as the other writer left it.
/// </summary>
internal static class ForeignCommits
{
    /// <summary>Returns the table's row, after importing another writer's commits if there are any.</summary>
    public static TableRow Reconcile(DbConnection connection, string storeRoot, TableRow table)
    {
        var theirs = IcebergCatalogTables.CurrentLocation(connection, table.Name);
        if (theirs == table.MetadataLocation || table.MetadataLocation is null)
        {
            return table;
        }

        if (theirs is null)
        {
            throw new ForeignCommitException(table.Name, table.MetadataLocation, "(no catalog row)", "the Iceberg catalog no longer lists the table");
        }

        Import(connection, storeRoot, table, theirs, TableMetadataDocument.Read(theirs));
        return CatalogQueries.RequireTable(connection, table.Name);
    }

    private static void Import(DbConnection connection, string storeRoot, TableRow table, string theirs, TableMetadataDocument document)
    {
        void Refuse(string reason) => throw new ForeignCommitException(table.Name, table.MetadataLocation, theirs, reason);

        if (!string.Equals(document.TableUuid, table.TableUuid, StringComparison.OrdinalIgnoreCase))
        {
            Refuse($"its table-uuid {document.TableUuid} is not the table's {table.TableUuid}");
        }

        if (!document.Schema.Equals(table.Schema))
        {
            Refuse($"its schema ({document.Schema}) is not the table's ({table.Schema})");
        }

        var ours = CatalogQueries.ListSnapshots(connection, table.TableId).ToDictionary(s => s.SnapshotId);
        var listed = document.Snapshots.Select(s => s.SnapshotId).ToHashSet();
        if (ours.Keys.FirstOrDefault(id => !listed.Contains(id)) is var missing and not 0)
        {
            Refuse($"it no longer lists snapshot {missing}");
        }

        foreach (var snapshot in document.Snapshots.Where(s => !ours.ContainsKey(s.SnapshotId)).OrderBy(s => s.SequenceNumber))
        {
            if (snapshot.Operation != SnapshotOperation.Append)
            {
                Refuse($"snapshot {snapshot.SnapshotId} is an '{snapshot.Operation}'; only appends can be imported");
            }

            if (snapshot.ParentId is not { } parentId || !ours.TryGetValue(parentId, out var parent))
            {
                Refuse($"snapshot {snapshot.SnapshotId} does not descend from a snapshot MlopsPS knows");
                return;
            }

            var added = AddedFiles(storeRoot, table, snapshot, Refuse);
            var summary = new SnapshotSummary(
                added.Sum(f => f.RecordCount), added.Count, added.Sum(f => f.SizeBytes),
                parent.Summary.TotalRecords + added.Sum(f => f.RecordCount),
                parent.Summary.TotalFiles + added.Count,
                parent.Summary.TotalFilesSize + added.Sum(f => f.SizeBytes));
            var row = new SnapshotRow(snapshot.SnapshotId, parentId, snapshot.SequenceNumber, snapshot.TimestampMs * 1000, SnapshotOperation.Append, summary);
            connection.Execute(
                """
                INSERT INTO snapshots (snapshot_id, table_id, parent_id, sequence_number, committed_at_us, operation,
                    added_records, added_files, added_files_size, deleted_records, deleted_files, removed_files_size,
                    total_records, total_files, total_files_size, manifest_list)
                VALUES (@id, @table, @parent, @sequence, @at, 'append', @added_records, @added_files, @added_size, 0, 0, 0,
                    @total_records, @total_files, @total_size, @list);
                """,
                ("@id", row.SnapshotId), ("@table", table.TableId), ("@parent", parentId), ("@sequence", row.SequenceNumber), ("@at", row.CommittedAtUs),
                ("@added_records", summary.AddedRecords), ("@added_files", summary.AddedFiles), ("@added_size", summary.AddedFilesSize),
                ("@total_records", summary.TotalRecords), ("@total_files", summary.TotalFiles), ("@total_size", summary.TotalFilesSize),
                ("@list", snapshot.ManifestList));
            foreach (var file in added)
            {
                connection.Execute(
                    "INSERT INTO data_files (table_id, path, record_count, size_bytes, added_snapshot_id) VALUES (@table, @path, @records, @size, @snapshot);",
                    ("@table", table.TableId), ("@path", file.Path), ("@records", file.RecordCount), ("@size", file.SizeBytes), ("@snapshot", snapshot.SnapshotId));
            }

            ours[row.SnapshotId] = row;
        }

        if (document.CurrentSnapshotId is not { } current || !ours.ContainsKey(current))
        {
            Refuse("its current snapshot is not one MlopsPS can read");
            return;
        }

        // The other writer's snapshot log entries since MlopsPS's last change, then the table's new state.
        var lastUs = table.LastUpdatedUs;
        foreach (var (timestampMs, snapshotId) in document.SnapshotLog.Where(e => e.TimestampMs * 1000 > table.LastUpdatedUs && ours.ContainsKey(e.SnapshotId)))
        {
            lastUs = Math.Max(lastUs + 1, timestampMs * 1000);
            connection.Execute(
                "INSERT INTO snapshot_log (table_id, made_current_at_us, snapshot_id) VALUES (@table, @at, @snapshot);",
                ("@table", table.TableId), ("@at", lastUs), ("@snapshot", snapshotId));
        }

        connection.Execute(
            "UPDATE tables SET current_snapshot_id = @current, last_sequence_number = max(last_sequence_number, @sequence), last_updated_us = @at WHERE table_id = @table;",
            ("@current", current), ("@sequence", document.LastSequenceNumber), ("@at", lastUs), ("@table", table.TableId));
        var version = 1 + (long)(connection.ExecuteScalarValue("SELECT coalesce(max(version), 0) FROM metadata_files WHERE table_id = @table;", ("@table", table.TableId)) ?? 0L);
        IcebergCommit.RecordMetadataFile(connection, table.TableId, version, theirs, document.LastUpdatedMs, current);
    }

    /// <summary>The data files a foreign append added, as catalog rows (paths relative to the store).</summary>
    private static List<(string Path, long RecordCount, long SizeBytes)> AddedFiles(
        string storeRoot, TableRow table, MetadataSnapshot snapshot, Action<string> refuse)
    {
        var files = new List<(string, long, long)>();
        foreach (var manifest in ManifestFiles.ReadManifestList(snapshot.ManifestList).Where(m => m.AddedSnapshotId == snapshot.SnapshotId))
        {
            if (manifest.Content != 0)
            {
                refuse($"snapshot {snapshot.SnapshotId} adds delete files");
            }

            foreach (var entry in ManifestFiles.ReadManifest(manifest.ManifestPath))
            {
                if (entry.Status == ManifestFiles.StatusDeleted)
                {
                    refuse($"snapshot {snapshot.SnapshotId} deletes data files");
                }

                if (entry.Status != ManifestFiles.StatusAdded || (entry.SnapshotId ?? snapshot.SnapshotId) != snapshot.SnapshotId)
                {
                    continue;
                }

                if (entry.Content != 0 || !string.Equals(entry.FileFormat, "PARQUET", StringComparison.OrdinalIgnoreCase))
                {
                    refuse($"snapshot {snapshot.SnapshotId} adds '{entry.FilePath}', which is not a Parquet data file");
                }

                var local = Path.GetFullPath(IcebergLocation.ToLocalPath(entry.FilePath));
                var relative = TableFolders.RelativePath(storeRoot, local);
                if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                {
                    refuse($"snapshot {snapshot.SnapshotId} adds '{entry.FilePath}', outside the store");
                }

                files.Add((relative, entry.RecordCount, entry.SizeBytes));
            }
        }

        return files;
    }
}
