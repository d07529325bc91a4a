using System.Data.Common;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Finds files in table folders that no snapshot references: data files of appends that crashed or failed
/// before committing, leftover temporary files, files whose deletion after an expiry failed, and the same for
/// the Iceberg files in a table's <c>metadata/</c> folder (manifests, manifest lists and metadata files no
/// remaining snapshot or metadata log needs; <c>version-hint.text</c> is always kept). As Iceberg's
/// <c>remove_orphan_files</c>, only files older than a threshold are touched, because a file being written or
/// renamed right now is not referenced yet either.
/// </summary>
internal static class OrphanFileCleaner
{
    public static OrphanResult Run(MlopsStore store, IReadOnlyList<string> folders, DateTime cutoffUtc, bool dryRun)
    {
        // List the files first, then read what is referenced: a file committed in between is then seen as
        // referenced. The other order could delete a file committed after the catalog was read.
        var candidates = new List<FileInfo>();
        foreach (var folder in folders)
        {
            var directory = new DirectoryInfo(TableFolders.FullPath(store.Root, folder));
            if (directory.Exists)
            {
                candidates.AddRange(directory.EnumerateFiles("*", SearchOption.AllDirectories));
            }
        }

        HashSet<string> referenced;
        using (var connection = store.Database.Open())
        {
            referenced = ReferencedPaths(connection, store.Root);
        }

        var orphans = candidates
            .Where(f => !referenced.Contains(TableFolders.RelativePath(store.Root, f.FullName)) && f.LastWriteTimeUtc < cutoffUtc
                && !(f.Name == IcebergLocation.VersionHintFile && f.Directory?.Name == IcebergLocation.MetadataFolder))
            .OrderBy(f => f.FullName, StringComparer.Ordinal)
            .ToList();
        var removed = new List<string>();
        long bytes = 0;
        foreach (var file in orphans)
        {
            var length = file.Length; // FileInfo forgets it once the file is deleted.
            if (!dryRun && !TryDelete(file))
            {
                continue;
            }

            removed.Add(TableFolders.RelativePath(store.Root, file.FullName));
            bytes += length;
        }

        return new OrphanResult(removed, bytes, dryRun);
    }

    private static HashSet<string> ReferencedPaths(DbConnection connection, string storeRoot)
    {
        // Every table's files, compared without case: a file is never deleted because its folder's casing
        // differs from its table's (possible on case-sensitive file systems). One read transaction, so the data
        // files and the Iceberg files are of the same committed state.
        using var transaction = CatalogReads.BeginRead(connection);
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT path FROM data_files;";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                paths.Add(reader.GetString(0));
            }
        }

        foreach (var table in CatalogQueries.ListTables(connection))
        {
            foreach (var location in IcebergCommit.LiveFiles(connection, table.TableId))
            {
                paths.Add(TableFolders.RelativePath(storeRoot, IcebergLocation.ToLocalPath(location)));
            }
        }

        return paths;
    }

    private static bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
