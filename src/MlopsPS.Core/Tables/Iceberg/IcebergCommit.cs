using System.Globalization;
using System.Text;
using System.Data.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// A metadata file written by a commit: the table, its version and location, and the metadata files it superseded
/// beyond the ones its metadata log keeps, which are deleted once the commit is durable.
/// </summary>
internal sealed record MetadataCommit(string Table, long Version, string Location, IReadOnlyList<string> Superseded);

/// <summary>
/// Writes a commit's Iceberg files inside the catalog's write transaction (<c>BEGIN IMMEDIATE</c>), after the
/// snapshot rows and before COMMIT: the snapshot's manifest (the files it added) and manifest list (its
/// parent's manifests plus the new one, so a commit's Avro cost does not grow with the table's history), then
/// <c>metadata/vN.metadata.json</c> built from the catalog's rows, and the compare-and-swap of
/// <c>iceberg_tables.metadata_location</c>. Every file is complete and flushed before the transaction commits; a
/// failure leaves orphans for <c>RemoveOrphanFiles</c> and the table as it was.
/// </summary>
internal static class IcebergCommit
{
    /// <summary>
    /// How many earlier metadata files a table keeps and its metadata log lists: Iceberg's
    /// <c>write.metadata.previous-versions-max</c>, with <c>write.metadata.delete-after-commit.enabled</c> (both set in
    /// the table's properties, so other engines committing to the table do the same). Without it, a table's metadata
    /// folder would grow with the square of its commits (every metadata file lists every live snapshot).
    /// </summary>
    public const int MetadataLogLength = 100;

    /// <summary>
    /// Writes the manifest of <paramref name="added"/> (if any) and the snapshot's manifest list, which carries
    /// over <paramref name="carried"/> (the parent's manifests, for an append), and records the list's location on
    /// the snapshot row. <paramref name="existing"/> (files inherited from expired snapshots) and
    /// <paramref name="deleted"/> (the files an overwrite replaced) get a manifest each.
    /// </summary>
    public static IReadOnlyList<ManifestListEntry> WriteSnapshotFiles(
        DbConnection connection, string storeRoot, string tableName, TableSchema schema, long snapshotId, long? parentId, long sequenceNumber,
        IReadOnlyList<ManifestListEntry> carried, IReadOnlyList<ManifestDataFile> added,
        IReadOnlyList<ManifestDataFile>? existing = null, IReadOnlyList<ManifestDataFile>? deleted = null)
    {
        var folder = IcebergLocation.MetadataDirectory(storeRoot, tableName);
        var manifests = new List<ManifestListEntry>(carried.Count + 2);
        manifests.AddRange(carried);
        if (existing is { Count: > 0 })
        {
            manifests.Add(WriteManifest(folder, schema, snapshotId, sequenceNumber, existing, ManifestFiles.StatusExisting));
        }

        if (added.Count > 0)
        {
            manifests.Add(WriteManifest(folder, schema, snapshotId, sequenceNumber, added, ManifestFiles.StatusAdded));
        }

        if (deleted is { Count: > 0 })
        {
            manifests.Add(WriteManifest(folder, schema, snapshotId, sequenceNumber, deleted, ManifestFiles.StatusDeleted));
        }

        var list = Path.Combine(folder, IcebergLocation.NewManifestListName(snapshotId));
        ManifestFiles.WriteManifestList(list, snapshotId, parentId, sequenceNumber, manifests);
        var location = IcebergLocation.ToUri(list);
        connection.Execute(
            "UPDATE snapshots SET manifest_list = @list, carries_parent_manifests = @carries WHERE snapshot_id = @id;",
            ("@list", location), ("@carries", parentId is not null && carried.Count > 0 ? 1 : 0), ("@id", snapshotId));
        return manifests;
    }

    /// <summary>The manifests of a snapshot's manifest list (none when it has no list).</summary>
    public static IReadOnlyList<ManifestListEntry> Manifests(DbConnection connection, long snapshotId) =>
        ManifestListOf(connection, snapshotId) is { } list ? ManifestFiles.ReadManifestList(list) : [];

    /// <summary>
    /// Every Iceberg file the table's remaining snapshots need: their manifest lists, the manifests those name
    /// and the metadata files still recorded. A list that one of MlopsPS's appends carried over whole into a
    /// child's list is not read again, so a linear history of appends reads one manifest list.
    /// </summary>
    public static HashSet<string> LiveFiles(DbConnection connection, long tableId, IReadOnlySet<long>? exclude = null)
    {
        var snapshots = new List<(long Id, long? Parent, string? List, bool Carries)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT snapshot_id, parent_id, manifest_list, carries_parent_manifests FROM snapshots WHERE table_id = @table;";
            command.AddParameter("@table", tableId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (exclude?.Contains(reader.GetInt64(0)) == true)
                {
                    continue;
                }

                snapshots.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetInt64(3) != 0));
            }
        }

        var covered = snapshots.Where(s => s.Carries && s.Parent is not null).Select(s => s.Parent!.Value).ToHashSet();
        var files = new HashSet<string>(StringComparer.Ordinal);
        foreach (var snapshot in snapshots.Where(s => s.List is not null))
        {
            files.Add(snapshot.List!);
            if (!covered.Contains(snapshot.Id))
            {
                files.UnionWith(ManifestFiles.ReadManifestList(snapshot.List!).Select(m => m.ManifestPath));
            }
        }

        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT location FROM metadata_files WHERE table_id = @table;";
            command.AddParameter("@table", tableId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                files.Add(reader.GetString(0));
            }
        }

        return files;
    }

    public static string? ManifestListOf(DbConnection connection, long snapshotId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT manifest_list FROM snapshots WHERE snapshot_id = @id;";
        command.AddParameter("@id", snapshotId);
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Writes the table's next metadata file from the catalog's rows (its live snapshots, snapshot log and
    /// metadata log) and moves <c>iceberg_tables</c> to it with a compare-and-swap from the location MlopsPS last
    /// committed.
    /// </summary>
    public static MetadataCommit WriteMetadata(DbConnection connection, string storeRoot, string tableName)
    {
        var table = CatalogQueries.RequireTable(connection, tableName);
        var (version, previousMs) = LastMetadataFile(connection, table.TableId);
        version++;
        var lastUpdatedMs = Math.Max(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), previousMs);
        var document = Build(connection, storeRoot, table, lastUpdatedMs);
        var path = Path.Combine(IcebergLocation.MetadataDirectory(storeRoot, table.Name), IcebergLocation.MetadataFileName(version));
        DurableFile.Write(path, document.ToUtf8());
        var location = IcebergLocation.ToUri(path);

        IcebergCatalogTables.Swap(connection, table.Name, table.MetadataLocation, location);
        RecordMetadataFile(connection, table.TableId, version, location, lastUpdatedMs, table.CurrentSnapshotId);
        return new MetadataCommit(table.Name, version, location, Supersede(connection, table.TableId, version - MetadataLogLength));
    }

    /// <summary>Forgets the table's metadata files older than <paramref name="oldestKept"/>; returns their locations.</summary>
    private static List<string> Supersede(DbConnection connection, long tableId, long oldestKept)
    {
        var locations = new List<string>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT location FROM metadata_files WHERE table_id = @table AND version < @oldest;";
            command.AddParameter("@table", tableId);
            command.AddParameter("@oldest", oldestKept);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                locations.Add(reader.GetString(0));
            }
        }

        if (locations.Count > 0)
        {
            connection.Execute("DELETE FROM metadata_files WHERE table_id = @table AND version < @oldest;", ("@table", tableId), ("@oldest", oldestKept));
        }

        return locations;
    }

    /// <summary>Notes a metadata file as the table's newest (ours, or another writer's that was imported).</summary>
    public static void RecordMetadataFile(DbConnection connection, long tableId, long version, string location, long writtenAtMs, long currentSnapshotId)
    {
        connection.Execute(
            "INSERT INTO metadata_files (table_id, version, location, written_at_ms, current_snapshot_id) VALUES (@table, @version, @location, @at, @snapshot);",
            ("@table", tableId), ("@version", version), ("@location", location), ("@at", writtenAtMs), ("@snapshot", currentSnapshotId));
        connection.Execute("UPDATE tables SET metadata_location = @location WHERE table_id = @table;", ("@location", location), ("@table", tableId));
    }

    /// <summary>
    /// After the transaction has committed: <c>metadata/version-hint.text</c>, which readers without a catalog
    /// (Hadoop tables, icebird) use to find the newest metadata file, and the deletion of the metadata files the
    /// commit superseded. Best effort: the catalog is the truth, and a file left behind is an orphan.
    /// </summary>
    public static void AfterCommit(string storeRoot, MetadataCommit? commit)
    {
        if (commit is null)
        {
            return;
        }

        var folder = IcebergLocation.MetadataDirectory(storeRoot, commit.Table);
        foreach (var superseded in commit.Superseded)
        {
            var path = IcebergLocation.ToLocalPath(superseded);
            if (string.Equals(Path.GetDirectoryName(Path.GetFullPath(path)), Path.GetFullPath(folder), StringComparison.Ordinal))
            {
                DurableFile.TryDelete(path);
            }
        }

        try
        {
            DurableFile.Write(
                Path.Combine(IcebergLocation.MetadataDirectory(storeRoot, commit.Table), IcebergLocation.VersionHintFile),
                Encoding.ASCII.GetBytes(commit.Version.ToString(CultureInfo.InvariantCulture)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A stale hint only makes hint-following readers see an older version.
        }
    }

    private static (long Version, long WrittenAtMs) LastMetadataFile(DbConnection connection, long tableId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT version, written_at_ms FROM metadata_files WHERE table_id = @table ORDER BY version DESC LIMIT 1;";
        command.AddParameter("@table", tableId);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : (0, 0);
    }

    private static TableMetadataDocument Build(DbConnection connection, string storeRoot, TableRow table, long lastUpdatedMs)
    {
        var snapshots = new List<MetadataSnapshot>();
        foreach (var (row, manifestList) in SnapshotsWithManifestLists(connection, table.TableId))
        {
            var summary = new Dictionary<string, string>(row.Summary.ToDictionary(), StringComparer.Ordinal)
            {
                ["total-delete-files"] = "0",
                ["total-position-deletes"] = "0",
                ["total-equality-deletes"] = "0",
            };
            snapshots.Add(new MetadataSnapshot(row.SnapshotId, row.ParentId, row.SequenceNumber, row.CommittedAtUs / 1000, row.Operation, summary, manifestList ?? ""));
        }

        var snapshotLog = CatalogQueries.ReadLog(connection, table.TableId).Select(e => (e.MadeCurrentAtUs / 1000, e.SnapshotId)).ToList();
        var metadataLog = new List<(long, string)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT written_at_ms, location FROM metadata_files WHERE table_id = @table ORDER BY version DESC LIMIT @n;";
            command.AddParameter("@table", table.TableId);
            command.AddParameter("@n", MetadataLogLength);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                metadataLog.Add((reader.GetInt64(0), reader.GetString(1)));
            }
        }

        metadataLog.Reverse();
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["schema.name-mapping.default"] = IcebergSchema.NameMapping(table.Schema),
            ["write.format.default"] = "parquet",
            ["write.parquet.compression-codec"] = "snappy",
            ["write.metadata.delete-after-commit.enabled"] = "true",
            ["write.metadata.previous-versions-max"] = MetadataLogLength.ToString(CultureInfo.InvariantCulture),
        };
        if (table.Dataset is { } dataset)
        {
            properties["mlops.dataset"] = dataset;
        }

        return new TableMetadataDocument(
            table.TableUuid ?? throw new InvalidOperationException($"Table '{table.Name}' has no Iceberg uuid."),
            IcebergLocation.TableLocation(storeRoot, table.Name),
            table.LastSequenceNumber,
            lastUpdatedMs,
            table.Schema,
            properties,
            table.CurrentSnapshotId,
            snapshots,
            snapshotLog,
            metadataLog);
    }

    private static List<(SnapshotRow Row, string? ManifestList)> SnapshotsWithManifestLists(DbConnection connection, long tableId)
    {
        var lists = new Dictionary<long, string?>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT snapshot_id, manifest_list FROM snapshots WHERE table_id = @table;";
            command.AddParameter("@table", tableId);
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                lists[reader.GetInt64(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        return CatalogQueries.ListSnapshots(connection, tableId).Select(s => (s, lists[s.SnapshotId])).ToList();
    }

    private static ManifestListEntry WriteManifest(string folder, TableSchema schema, long snapshotId, long sequenceNumber, IReadOnlyList<ManifestDataFile> files, int status)
    {
        var path = Path.Combine(folder, IcebergLocation.NewManifestName());
        var length = ManifestFiles.WriteManifest(path, schema, snapshotId, sequenceNumber, files, status);
        var count = files.Count;
        var rows = files.Sum(f => f.RecordCount);
        return new ManifestListEntry(
            IcebergLocation.ToUri(path), length, Content: 0, sequenceNumber,
            MinSequenceNumber: files.Min(f => f.DataSequenceNumber ?? sequenceNumber), snapshotId,
            AddedFiles: status == ManifestFiles.StatusAdded ? count : 0,
            ExistingFiles: status == ManifestFiles.StatusExisting ? count : 0,
            DeletedFiles: status == ManifestFiles.StatusDeleted ? count : 0,
            AddedRows: status == ManifestFiles.StatusAdded ? rows : 0,
            ExistingRows: status == ManifestFiles.StatusExisting ? rows : 0,
            DeletedRows: status == ManifestFiles.StatusDeleted ? rows : 0);
    }
}
