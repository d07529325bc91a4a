using System.Collections.Immutable;
using System.Collections.Concurrent;
using System.Data.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables;

/// <summary>
/// The catalog's reads. Every query is parameterised and indexed; the ones a read of the newest batch needs
/// (table by name, snapshot by id, the parent walk over the range, files by adding snapshot) cost in
/// proportion to the range, not to the table's history.
/// </summary>
internal static class CatalogQueries
{
    private const string TableColumns =
        "table_id, name, schema_json, dataset, current_snapshot_id, last_sequence_number, last_updated_us, created_at_us, table_uuid, metadata_location";

    private const string SnapshotColumns =
        "snapshot_id, parent_id, sequence_number, committed_at_us, operation, added_records, added_files, added_files_size, " +
        "total_records, total_files, total_files_size, deleted_records, deleted_files, removed_files_size";

    private const string FileColumns = "file_id, path, record_count, size_bytes, added_snapshot_id";

    // The files a snapshot sees: walk the parents while the child is an append (an overwrite or delete hid
    // everything before it; a missing parent was expired), collecting what each added and what a snapshot
    // inherited from expired parents.
    private const string VisibleFilesSql = $"""
        WITH RECURSIVE chain(snapshot_id, parent_id, operation) AS (
            SELECT snapshot_id, parent_id, operation FROM snapshots WHERE snapshot_id = @snapshot
            UNION ALL
            SELECT s.snapshot_id, s.parent_id, s.operation
            FROM chain c JOIN snapshots s ON s.snapshot_id = c.parent_id
            WHERE c.operation = 'append'
        ),
        visible(file_id) AS (
            SELECT f.file_id FROM chain c JOIN data_files f ON f.added_snapshot_id = c.snapshot_id
            UNION ALL
            SELECT i.file_id FROM chain c JOIN inherited_files i ON i.snapshot_id = c.snapshot_id
        )
        SELECT {FileColumns} FROM data_files WHERE file_id IN (SELECT file_id FROM visible)
        ORDER BY file_id;
        """;

    // Schemas are parsed once per process: the JSON of a table never changes.
    private static readonly ConcurrentDictionary<string, TableSchema> s_schemas = new(StringComparer.Ordinal);

    public static TableRow? FindTable(DbConnection connection, string name)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TableColumns} FROM tables WHERE lower(name) = lower(@name);";
        command.AddParameter("@name", name);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadTable(reader) : null;
    }

    public static TableRow RequireTable(DbConnection connection, string name) =>
        FindTable(connection, name) ?? throw new TableNotFoundException(name);

    public static List<TableRow> ListTables(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {TableColumns} FROM tables ORDER BY name;";
        using var reader = command.ExecuteReader();
        var tables = new List<TableRow>();
        while (reader.Read())
        {
            tables.Add(ReadTable(reader));
        }

        return tables;
    }

    public static long CountSnapshots(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM snapshots WHERE table_id = @table;";
        command.AddParameter("@table", tableId);
        return (long)command.ExecuteScalar()!;
    }

    public static SnapshotRow? FindSnapshot(DbConnection connection, long tableId, long snapshotId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SnapshotColumns} FROM snapshots WHERE snapshot_id = @id AND table_id = @table;";
        command.AddParameter("@id", snapshotId);
        command.AddParameter("@table", tableId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? ReadSnapshot(reader) : null;
    }

    public static SnapshotRow RequireSnapshot(DbConnection connection, TableRow table, long snapshotId) =>
        FindSnapshot(connection, table.TableId, snapshotId) ?? throw new SnapshotNotFoundException(table.Name, snapshotId);

    /// <summary>All snapshots of a table, oldest first.</summary>
    public static List<SnapshotRow> ListSnapshots(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {SnapshotColumns} FROM snapshots WHERE table_id = @table ORDER BY sequence_number;";
        command.AddParameter("@table", tableId);
        using var reader = command.ExecuteReader();
        var snapshots = new List<SnapshotRow>();
        while (reader.Read())
        {
            snapshots.Add(ReadSnapshot(reader));
        }

        return snapshots;
    }

    /// <summary>The data files <paramref name="snapshotId"/> can see, oldest first.</summary>
    public static List<FileRow> VisibleFiles(DbConnection connection, long snapshotId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = VisibleFilesSql;
        command.AddParameter("@snapshot", snapshotId);
        return ReadFiles(command);
    }

    /// <summary>
    /// The snapshots from <paramref name="end"/> back towards <paramref name="start"/> (newest first), each
    /// with the files it added. The walk stops at <paramref name="start"/> or at the first snapshot older than
    /// it, so it reads only the range; the last element is <paramref name="start"/> exactly when start is an
    /// ancestor of end.
    /// </summary>
    public static List<(long SnapshotId, string Operation, List<FileRow> Files)> WalkBack(
        DbConnection connection, SnapshotRow end, SnapshotRow start)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            WITH RECURSIVE chain(snapshot_id, parent_id, sequence_number, operation) AS (
                SELECT snapshot_id, parent_id, sequence_number, operation FROM snapshots WHERE snapshot_id = @end
                UNION ALL
                SELECT s.snapshot_id, s.parent_id, s.sequence_number, s.operation
                FROM chain c JOIN snapshots s ON s.snapshot_id = c.parent_id
                WHERE c.snapshot_id <> @start AND s.sequence_number >= @start_sequence
            )
            SELECT c.snapshot_id, c.operation, f.file_id, f.path, f.record_count, f.size_bytes
            FROM chain c LEFT JOIN data_files f ON f.added_snapshot_id = c.snapshot_id AND c.snapshot_id <> @start
            ORDER BY c.sequence_number DESC, f.file_id;
            """;
        command.AddParameter("@end", end.SnapshotId);
        command.AddParameter("@start", start.SnapshotId);
        command.AddParameter("@start_sequence", start.SequenceNumber);
        using var reader = command.ExecuteReader();
        var chain = new List<(long SnapshotId, string Operation, List<FileRow> Files)>();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            if (chain.Count == 0 || chain[^1].SnapshotId != id)
            {
                chain.Add((id, reader.GetString(1), []));
            }

            if (!reader.IsDBNull(2))
            {
                chain[^1].Files.Add(new FileRow(reader.GetInt64(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), id));
            }
        }

        return chain;
    }

    /// <summary>
    /// Whether <paramref name="ancestor"/> is <paramref name="descendant"/> or one of its parents. Walks only
    /// the snapshots between the two (sequence numbers grow along every chain).
    /// </summary>
    public static bool IsAncestor(DbConnection connection, SnapshotRow ancestor, SnapshotRow descendant) =>
        WalkBack(connection, descendant, ancestor) is { Count: > 0 } chain && chain[^1].SnapshotId == ancestor.SnapshotId;

    /// <summary>The current snapshot and all its ancestors still in the catalog.</summary>
    public static HashSet<long> CurrentAncestors(DbConnection connection, TableRow table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            WITH RECURSIVE chain(snapshot_id, parent_id) AS (
                SELECT snapshot_id, parent_id FROM snapshots WHERE snapshot_id = @current
                UNION ALL
                SELECT s.snapshot_id, s.parent_id FROM chain c JOIN snapshots s ON s.snapshot_id = c.parent_id
            )
            SELECT snapshot_id FROM chain;
            """;
        command.AddParameter("@current", table.CurrentSnapshotId);
        using var reader = command.ExecuteReader();
        var ancestors = new HashSet<long>();
        while (reader.Read())
        {
            ancestors.Add(reader.GetInt64(0));
        }

        return ancestors;
    }

    /// <summary>The snapshot log (commits and rollbacks), oldest first.</summary>
    public static List<(long MadeCurrentAtUs, long SnapshotId, long? ParentId)> ReadLog(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT l.made_current_at_us, l.snapshot_id, s.parent_id
            FROM snapshot_log l JOIN snapshots s ON s.snapshot_id = l.snapshot_id
            WHERE l.table_id = @table
            ORDER BY l.made_current_at_us, l.entry_id;
            """;
        command.AddParameter("@table", tableId);
        using var reader = command.ExecuteReader();
        var log = new List<(long, long, long?)>();
        while (reader.Read())
        {
            log.Add((reader.GetInt64(0), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetInt64(2)));
        }

        return log;
    }

    /// <summary>
    /// The snapshot that was current at <paramref name="atUs"/>: the last one made current at or before it, as
    /// Iceberg reads its snapshot log (after a rollback, that is the rollback's target, not the newest commit).
    /// </summary>
    public static long? SnapshotIdAsOf(DbConnection connection, long tableId, long atUs)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT snapshot_id FROM snapshot_log
            WHERE table_id = @table AND made_current_at_us <= @at
            ORDER BY made_current_at_us DESC, entry_id DESC LIMIT 1;
            """;
        command.AddParameter("@table", tableId);
        command.AddParameter("@at", atUs);
        return command.ExecuteScalar() is long id ? id : null;
    }

    /// <summary>All data files of a table.</summary>
    public static List<FileRow> TableFiles(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {FileColumns} FROM data_files WHERE table_id = @table ORDER BY file_id;";
        command.AddParameter("@table", tableId);
        return ReadFiles(command);
    }

    /// <summary>For each snapshot of a table that inherited files from expired parents, those file ids.</summary>
    public static Dictionary<long, List<long>> InheritedFiles(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT i.snapshot_id, i.file_id FROM inherited_files i JOIN snapshots s ON s.snapshot_id = i.snapshot_id
            WHERE s.table_id = @table ORDER BY i.snapshot_id, i.file_id;
            """;
        command.AddParameter("@table", tableId);
        using var reader = command.ExecuteReader();
        var inherited = new Dictionary<long, List<long>>();
        while (reader.Read())
        {
            var snapshot = reader.GetInt64(0);
            if (!inherited.TryGetValue(snapshot, out var files))
            {
                inherited[snapshot] = files = [];
            }

            files.Add(reader.GetInt64(1));
        }

        return inherited;
    }

    /// <summary>
    /// Every snapshot's visible files, built in one pass over the table's snapshots and files: a child shares
    /// its parent's (immutable) list and adds its own, so a thousand snapshots do not cost a million paths.
    /// </summary>
    public static Dictionary<long, IReadOnlyList<string>> AllVisibleFiles(
        DbConnection connection, long tableId, IReadOnlyList<SnapshotRow> snapshots)
    {
        var files = TableFiles(connection, tableId);
        var paths = files.ToDictionary(f => f.FileId, f => f.Path);
        var added = files.ToLookup(f => f.AddedSnapshotId, f => f.Path);
        var inherited = InheritedFiles(connection, tableId);
        var visible = new Dictionary<long, ImmutableList<string>>();
        foreach (var snapshot in snapshots)
        {
            var start = snapshot.Operation == SnapshotOperation.Append
                && snapshot.ParentId is { } parent && visible.TryGetValue(parent, out var parentFiles)
                ? parentFiles
                : ImmutableList<string>.Empty;
            if (inherited.TryGetValue(snapshot.SnapshotId, out var fileIds))
            {
                start = start.AddRange(fileIds.Select(id => paths[id]));
            }

            visible[snapshot.SnapshotId] = start.AddRange(added[snapshot.SnapshotId]);
        }

        return visible.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value);
    }

    public static bool FileIsReferenced(DbConnection connection, string path)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM data_files WHERE path = @path;";
        command.AddParameter("@path", path);
        return (long)command.ExecuteScalar()! > 0;
    }

    private static List<FileRow> ReadFiles(DbCommand command)
    {
        using var reader = command.ExecuteReader();
        var files = new List<FileRow>();
        while (reader.Read())
        {
            files.Add(new FileRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return files;
    }

    private static TableRow ReadTable(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        s_schemas.GetOrAdd(reader.GetString(2), TableSchema.FromJson),
        reader.IsDBNull(3) ? null : reader.GetString(3),
        reader.GetInt64(4),
        reader.GetInt64(5),
        reader.GetInt64(6),
        reader.GetInt64(7),
        reader.IsDBNull(8) ? null : reader.GetString(8),
        reader.IsDBNull(9) ? null : reader.GetString(9));

    private static SnapshotRow ReadSnapshot(DbDataReader reader) => new(
        reader.GetInt64(0),
        reader.IsDBNull(1) ? null : reader.GetInt64(1),
        reader.GetInt64(2),
        reader.GetInt64(3),
        reader.GetString(4),
        new SnapshotSummary(
            AddedRecords: reader.GetInt64(5),
            AddedFiles: reader.GetInt64(6),
            AddedFilesSize: reader.GetInt64(7),
            TotalRecords: reader.GetInt64(8),
            TotalFiles: reader.GetInt64(9),
            TotalFilesSize: reader.GetInt64(10),
            DeletedRecords: reader.GetInt64(11),
            DeletedFiles: reader.GetInt64(12),
            RemovedFilesSize: reader.GetInt64(13)));
}
