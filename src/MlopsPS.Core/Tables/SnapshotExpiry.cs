using System.Data.Common;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tables;

/// <summary>
/// The body of an expiry transaction, as Iceberg's <c>expire_snapshots</c>: a snapshot is kept when it is the
/// current one, one of the <c>retainLast</c> newest ancestors of the current one, or committed at or after
/// <c>olderThan</c>; every other snapshot is removed from the catalog. A kept snapshot whose parent goes
/// first inherits the files it saw through that parent, so what it reads does not change. A data file is
/// removed only when no remaining snapshot can see it. The files themselves are deleted by the caller, after
/// the transaction has committed: a crash in between leaves orphans, never a snapshot without its files.
/// The same holds for the Iceberg files: the expired snapshots' manifest lists, the manifests no remaining
/// manifest list names, and the metadata files whose current snapshot is gone are returned for deletion.
/// </summary>
internal static class SnapshotExpiry
{
    public static (List<long> Expired, List<FileRow> Unreferenced, List<string> IcebergFiles) Run(
        DbConnection connection, TableRow table, long olderThanUs, int retainLast)
    {
        var snapshots = CatalogQueries.ListSnapshots(connection, table.TableId);
        var byId = snapshots.ToDictionary(s => s.SnapshotId);
        var kept = new HashSet<long>();
        long? ancestor = table.CurrentSnapshotId;
        for (var i = 0; ancestor is { } id && byId.TryGetValue(id, out var snapshot); i++)
        {
            if (i < retainLast)
            {
                kept.Add(id);
            }

            ancestor = snapshot.ParentId;
        }

        kept.UnionWith(snapshots.Where(s => s.CommittedAtUs >= olderThanUs).Select(s => s.SnapshotId));
        var expired = snapshots.Where(s => !kept.Contains(s.SnapshotId)).Select(s => s.SnapshotId).ToList();
        if (expired.Count == 0)
        {
            return (expired, [], []);
        }

        var icebergFiles = UnneededIcebergFiles(connection, table, expired, kept);

        // Everything a new chain root inherits is computed before anything is deleted.
        var expiredSet = expired.ToHashSet();
        var inheritance = snapshots
            .Where(s => kept.Contains(s.SnapshotId) && s.Operation == SnapshotOperation.Append
                && s.ParentId is { } parent && expiredSet.Contains(parent))
            .Select(s => (Root: s.SnapshotId, Files: CatalogQueries.VisibleFiles(connection, s.ParentId!.Value)))
            .ToList();
        foreach (var (root, files) in inheritance)
        {
            foreach (var file in files)
            {
                connection.Execute("INSERT INTO inherited_files (snapshot_id, file_id) VALUES (@snapshot, @file) ON CONFLICT (snapshot_id, file_id) DO NOTHING;", ("@snapshot", root), ("@file", file.FileId));
            }
        }

        foreach (var id in expired)
        {
            connection.Execute("DELETE FROM snapshot_log WHERE snapshot_id = @id;", ("@id", id));
            connection.Execute("DELETE FROM inherited_files WHERE snapshot_id = @id;", ("@id", id));
            connection.Execute("DELETE FROM snapshots WHERE snapshot_id = @id;", ("@id", id));
        }

        var unreferenced = Unreferenced(connection, table.TableId);
        foreach (var file in unreferenced)
        {
            connection.Execute("DELETE FROM data_files WHERE file_id = @id;", ("@id", file.FileId));
        }

        return (expired, unreferenced, icebergFiles);
    }

    /// <summary>Files whose adding snapshot is gone and that no snapshot inherited.</summary>
    private static List<FileRow> Unreferenced(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT f.file_id, f.path, f.record_count, f.size_bytes, f.added_snapshot_id FROM data_files f
            WHERE f.table_id = @table
              AND NOT EXISTS (SELECT 1 FROM snapshots s WHERE s.snapshot_id = f.added_snapshot_id)
              AND NOT EXISTS (SELECT 1 FROM inherited_files i WHERE i.file_id = f.file_id)
            ORDER BY f.file_id;
            """;
        command.AddParameter("@table", tableId);
        using var reader = command.ExecuteReader();
        var files = new List<FileRow>();
        while (reader.Read())
        {
            files.Add(new FileRow(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4)));
        }

        return files;
    }

    /// <summary>
    /// The Iceberg files only expired snapshots need (read before their rows go): their manifest lists, the
    /// manifests those lists name that no kept snapshot's list names, and the metadata files whose current
    /// snapshot is expired (their rows are deleted here).
    /// </summary>
    private static List<string> UnneededIcebergFiles(DbConnection connection, TableRow table, List<long> expired, HashSet<long> kept)
    {
        var expiredLists = new List<string>();
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in expired)
        {
            if (IcebergCommit.ManifestListOf(connection, id) is { } list)
            {
                expiredLists.Add(list);
                candidates.UnionWith(ManifestFiles.ReadManifestList(list).Select(m => m.ManifestPath));
            }
        }

        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, location, current_snapshot_id FROM metadata_files WHERE table_id = @table ORDER BY version;";
        command.AddParameter("@table", table.TableId);
        var gone = new List<(long Version, string Location)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                if (!reader.IsDBNull(2) && !kept.Contains(reader.GetInt64(2)) && reader.GetString(1) != table.MetadataLocation)
                {
                    gone.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }
        }

        foreach (var (version, _) in gone)
        {
            connection.Execute("DELETE FROM metadata_files WHERE table_id = @table AND version = @version;", ("@table", table.TableId), ("@version", version));
        }

        // What the kept snapshots still need, read after the expired rows' metadata files are gone but before
        // their snapshot rows are: the expired snapshots' own lists are excluded by hand.
        var live = IcebergCommit.LiveFiles(connection, table.TableId, exclude: expired.ToHashSet());
        return expiredLists
            .Concat(candidates.Where(m => !live.Contains(m)).Order(StringComparer.Ordinal))
            .Concat(gone.Select(g => g.Location))
            .ToList();
    }
}
