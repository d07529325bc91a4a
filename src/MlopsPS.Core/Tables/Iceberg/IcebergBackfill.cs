using System.Data.Common;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// Migration 0008's code step: creates the Iceberg SQL catalog's tables and writes the Iceberg metadata of every
/// table already in the store, with all its live snapshots, inside the migration's transaction. Each snapshot
/// gets a manifest of the files it added and a manifest list (its parent's manifests plus its own, as a commit
/// does today); a snapshot whose parent was expired also gets a manifest of the files it inherited (status
/// EXISTING, under the snapshot that first added each). Files written before this migration carry no column
/// statistics and no Parquet field ids: the table's name mapping finds their columns. Nothing in the index
/// changes except the new columns, so nothing is lost; if any file cannot be written, the migration rolls back.
/// </summary>
internal static class IcebergBackfill
{
    public static void Run(DbConnection connection, string storeRoot)
    {
        IcebergCatalogSchema.Create(connection, null);

        foreach (var table in CatalogQueries.ListTables(connection))
        {
            Backfill(connection, storeRoot, table);
        }
    }

    private static void Backfill(DbConnection connection, string storeRoot, TableRow table)
    {
        connection.Execute("UPDATE tables SET table_uuid = @uuid WHERE table_id = @table;", ("@uuid", Guid.NewGuid().ToString()), ("@table", table.TableId));
        var files = CatalogQueries.TableFiles(connection, table.TableId);
        var byId = files.ToDictionary(f => f.FileId);
        var added = files.ToLookup(f => f.AddedSnapshotId);
        var inherited = CatalogQueries.InheritedFiles(connection, table.TableId);
        var lists = new Dictionary<long, IReadOnlyList<ManifestListEntry>>();
        foreach (var snapshot in CatalogQueries.ListSnapshots(connection, table.TableId))
        {
            var carried = snapshot.Operation == SnapshotOperation.Append && snapshot.ParentId is { } parent && lists.TryGetValue(parent, out var parentList)
                ? parentList
                : [];
            var existing = inherited.TryGetValue(snapshot.SnapshotId, out var ids)
                ? ids.Select(id => ToManifestFile(storeRoot, byId[id], byId[id].AddedSnapshotId)).ToList()
                : null;
            lists[snapshot.SnapshotId] = IcebergCommit.WriteSnapshotFiles(
                connection, storeRoot, table.Name, table.Schema, snapshot.SnapshotId, snapshot.ParentId, snapshot.SequenceNumber,
                carried, added[snapshot.SnapshotId].Select(f => ToManifestFile(storeRoot, f, null)).ToList(), existing);
        }

        var metadata = IcebergCommit.WriteMetadata(connection, storeRoot, table.Name);
        IcebergCommit.AfterCommit(storeRoot, metadata);
    }

    private static ManifestDataFile ToManifestFile(string storeRoot, FileRow file, long? addedBy) =>
        new(IcebergLocation.ToUri(TableFolders.FullPath(storeRoot, file.Path)), file.RecordCount, file.SizeBytes, Statistics: null, addedBy);
}
