using System.Data.Common;
using MlopsPS.Core.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables.Iceberg;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Versioned tables with Iceberg semantics: Parquet data files in <c>tables/&lt;name&gt;/</c> and a snapshot
/// catalog in SQLite. Appends are streamed into one new data file and committed as one snapshot; reads pick
/// the current snapshot, a past one (by id or time) or the rows appended between two snapshots. Every method
/// opens its own short-lived connection, so one instance may be shared and several processes may use the
/// same store at once.
/// </summary>
public sealed class TableCatalog
{
    private static readonly TimeSpan s_defaultExpiryAge = TimeSpan.FromDays(5);
    private static readonly TimeSpan s_defaultOrphanAge = TimeSpan.FromDays(3);

    private readonly CommitRetryPolicy _retryPolicy;
    private readonly int _rowGroupRows;

    /// <summary>Creates a catalog over <paramref name="store"/>.</summary>
    public TableCatalog(MlopsStore store)
        : this(store, CommitRetryPolicy.Default, DataFileWriter.DefaultRowGroupRows)
    {
    }

    internal TableCatalog(MlopsStore store, CommitRetryPolicy retryPolicy, int rowGroupRows)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _retryPolicy = retryPolicy;
        _rowGroupRows = rowGroupRows;
    }

    /// <summary>The store the tables live in.</summary>
    public MlopsStore Store { get; }

    /// <summary>
    /// Writes <paramref name="batches"/> as one new data file and commits it as one snapshot; the first append
    /// creates the table with the first batch's schema. Batches are streamed (one batch and one ~100k-row
    /// row group in memory at a time). Every batch must fit the table's schema (see
    /// <see cref="SchemaMismatchException"/>); if one does not, or anything else fails before the commit,
    /// the table is unchanged and the partial file is deleted.
    /// </summary>
    /// <remarks>
    /// Commit protocol: the file is written under a temporary name in the table's folder, flushed to disk and
    /// renamed; then one <c>BEGIN IMMEDIATE</c> transaction commits the snapshot on top of whatever is current
    /// (re-basing if another writer committed meanwhile), retried with backoff while other writers hold the
    /// lock. A crash at any point leaves the table at its last committed snapshot; the uncommitted file is an
    /// orphan for <see cref="RemoveOrphanFiles"/>.
    /// </remarks>
    public Snapshot Append(
        string table,
        IEnumerable<ColumnBatch> batches,
        AppendOptions? options = null,
        IProgress<AppendProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var name = TableName.Validate(table);
        ArgumentNullException.ThrowIfNull(batches);
        options ??= new AppendOptions();
        TableRow? existing;
        using (var connection = Store.Database.Open())
        {
            existing = CatalogQueries.FindTable(connection, name);
        }

        var tableName = existing?.Name ?? name;
        // The next batch is generated or parsed on another thread while this one is compressed and written.
        using var enumerator = Prefetch.Ahead(batches, depth: 1, cancellationToken).GetEnumerator();
        var batch = Next(enumerator);
        var schema = existing?.Schema ?? batch?.Schema ?? throw new InvalidTableArgumentException(
            nameof(batches), $"Table '{tableName}' does not exist yet; its first append needs at least one batch to fix its schema.");
        if (schema.Columns.Count == 0)
        {
            throw new InvalidSchemaException($"Table '{tableName}' needs at least one column.");
        }

        var totalRows = batches is IReadOnlyCollection<ColumnBatch> known ? known.Sum(b => (long?)b?.RowCount ?? 0) : options.ExpectedRows;
        WrittenDataFile? file;
        using (var writer = new DataFileWriter(
            tableName, Store.Root, TableFolders.RelativeFolder(tableName), schema, _rowGroupRows,
            rows => progress?.Report(new AppendProgress(tableName, rows, totalRows, Committed: false))))
        {
            while (batch is not null)
            {
                // Checked before any of the batch is written; a refused batch also discards earlier ones.
                writer.Add(batch, SchemaCompatibility.Match(tableName, schema, batch.Schema), cancellationToken);
                batch = Next(enumerator);
            }

            file = writer.Complete(cancellationToken);
        }

        (TableRow Table, SnapshotRow Snapshot, MetadataCommit Metadata) committed;
        try
        {
            committed = CatalogTransaction.Run(
                Store, _retryPolicy, tableName, commit: true,
                connection => SnapshotCommit.Run(connection, Store.Root, tableName, schema, options.Dataset, options.Overwrite, file));
        }
        catch
        {
            if (file is not null)
            {
                DeleteIfUnreferenced(file);
            }

            throw;
        }

        IcebergCommit.AfterCommit(Store.Root, committed.Metadata);
        progress?.Report(new AppendProgress(committed.Table.Name, file?.RecordCount ?? 0, totalRows, Committed: true));
        return ToSnapshot(committed.Table, committed.Snapshot);
    }

    /// <summary>The tables whose names match <paramref name="namePattern"/> (<c>*</c> and <c>?</c>; all when null), by name.</summary>
    public IReadOnlyList<TableInfo> ListTables(string? namePattern = null) => Read(connection =>
        CatalogQueries.ListTables(connection)
            .Where(t => namePattern is null || NamePattern.IsMatch(t.Name, namePattern))
            .Select(t => ToTableInfo(connection, t))
            .ToArray());

    /// <summary>The names of all tables: one cheap query, for tab completion.</summary>
    public IReadOnlyList<string> ListTableNames() => Read(connection =>
        CatalogQueries.ListTables(connection).Select(t => t.Name).ToArray());

    /// <summary>The table called <paramref name="table"/>; throws <see cref="TableNotFoundException"/>.</summary>
    public TableInfo GetTable(string table)
    {
        var name = TableName.Validate(table);
        return ReadTable(name, ToTableInfo);
    }

    /// <summary>Whether a table called <paramref name="table"/> exists (false for a name that could not be valid).</summary>
    public bool TableExists(string table) =>
        TableName.IsValid(table) && Read(connection => CatalogQueries.FindTable(connection, table) is not null);

    /// <summary>All snapshots of the table, oldest first, as Iceberg's <c>snapshots</c> metadata table.</summary>
    public IReadOnlyList<Snapshot> ListSnapshots(string table)
    {
        var name = TableName.Validate(table);
        return ReadTable(name, (connection, row) =>
        {
            var snapshots = CatalogQueries.ListSnapshots(connection, row.TableId);
            var files = CatalogQueries.AllVisibleFiles(connection, row.TableId, snapshots);
            return snapshots.Select(s => ToSnapshot(row, s, files[s.SnapshotId])).ToArray();
        });
    }

    /// <summary>
    /// When each snapshot became current (commits and rollbacks), oldest first, as Iceberg's <c>history</c>
    /// metadata table; <see cref="HistoryEntry.IsCurrentAncestor"/> is false for branches a rollback left.
    /// </summary>
    public IReadOnlyList<HistoryEntry> History(string table)
    {
        var name = TableName.Validate(table);
        return ReadTable(name, (connection, row) =>
        {
            var ancestors = CatalogQueries.CurrentAncestors(connection, row);
            return CatalogQueries.ReadLog(connection, row.TableId)
                .Select(e => new HistoryEntry(row.Name, TableTime.FromMicros(e.MadeCurrentAtUs), e.SnapshotId, e.ParentId, ancestors.Contains(e.SnapshotId)))
                .ToArray();
        });
    }

    /// <summary>The snapshot <paramref name="snapshotId"/> of the table; throws <see cref="SnapshotNotFoundException"/>.</summary>
    public Snapshot GetSnapshot(string table, long snapshotId)
    {
        var name = TableName.Validate(table);
        return ReadTable(name, (connection, row) =>
        {
            return ToSnapshot(row, CatalogQueries.RequireSnapshot(connection, row, snapshotId));
        });
    }

    /// <summary>The table's current snapshot.</summary>
    public Snapshot CurrentSnapshot(string table)
    {
        var name = TableName.Validate(table);
        return ReadTable(name, (connection, row) =>
        {
            return ToSnapshot(row, CatalogQueries.RequireSnapshot(connection, row, row.CurrentSnapshotId));
        });
    }

    /// <summary>
    /// The snapshot that was current at <paramref name="timestamp"/> (UTC; a local time is converted): the last
    /// one committed or rolled back to at or before it. Before the first snapshot, throws
    /// <see cref="SnapshotNotFoundException"/> ("Cannot find a snapshot older than ...").
    /// </summary>
    public Snapshot SnapshotAsOf(string table, DateTime timestamp)
    {
        var name = TableName.Validate(table);
        return ReadTable(name, (connection, row) =>
        {
            return ToSnapshot(row, SnapshotAsOf(connection, row, TableTime.ToUtc(timestamp)));
        });
    }

    /// <summary>
    /// Plans a read: resolves the snapshot(s) and the data files from the catalog; the rows are read from the
    /// returned scan. An incremental read returns the rows appended by the snapshots after the start up to the
    /// end; it fails with <see cref="SnapshotNotAncestorException"/> when the start is not an ancestor of the
    /// end, and with <see cref="IncrementalScanNotSupportedException"/> when an overwrite or delete lies in
    /// between. Its cost depends on the snapshots in the range, not on the table's history.
    /// </summary>
    public TableScan Scan(string table, ScanSpec spec)
    {
        var name = TableName.Validate(table);
        ArgumentNullException.ThrowIfNull(spec);
        return ReadTable(name, (connection, row) =>
        {
            var schema = spec.Columns is null ? row.Schema : row.Schema.Project(spec.Columns);
            if (spec.Kind == ScanKind.Incremental)
            {
                return PlanIncremental(connection, row, schema, spec.StartSnapshotId!.Value, spec.SnapshotId ?? row.CurrentSnapshotId);
            }

            var snapshot = spec.Kind switch
            {
                ScanKind.Current => CatalogQueries.RequireSnapshot(connection, row, row.CurrentSnapshotId),
                ScanKind.AsOfSnapshot => CatalogQueries.RequireSnapshot(connection, row, spec.SnapshotId!.Value),
                ScanKind.AsOfTime => SnapshotAsOf(connection, row, spec.Timestamp!.Value),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), spec.Kind, "Unknown scan kind."),
            };
            var files = CatalogQueries.VisibleFiles(connection, snapshot.SnapshotId);
            return new TableScan(
                row.Name, schema, startSnapshot: null,
                ToSnapshot(row, snapshot, files.Select(f => f.Path).ToArray()),
                files.Select(ToDataFile).ToArray());
        });
    }

    /// <summary>
    /// Makes <paramref name="snapshotId"/>, an ancestor of the current snapshot, current again, as Iceberg's
    /// <c>rollback_to_snapshot</c>. Nothing is deleted: the abandoned snapshots stay (their history entries
    /// no longer count as current ancestors) until expired. The next append's parent is the target.
    /// </summary>
    public RollbackResult Rollback(string table, long snapshotId)
    {
        var name = TableName.Validate(table);
        var (result, metadata) = CatalogTransaction.Run(Store, _retryPolicy, name, commit: true, connection =>
        {
            var row = ForeignCommits.Reconcile(connection, Store.Root, CatalogQueries.RequireTable(connection, name));
            var target = CatalogQueries.RequireSnapshot(connection, row, snapshotId);
            if (snapshotId == row.CurrentSnapshotId)
            {
                return (new RollbackResult(row.Name, snapshotId, snapshotId), (MetadataCommit?)null);
            }

            var current = CatalogQueries.RequireSnapshot(connection, row, row.CurrentSnapshotId);
            if (!CatalogQueries.IsAncestor(connection, target, current))
            {
                throw new SnapshotNotAncestorException(
                    row.Name, snapshotId,
                    $"Cannot roll back table '{row.Name}' to snapshot {snapshotId}: it is not an ancestor of the current snapshot {current.SnapshotId}.");
            }

            var nowUs = Math.Max(TableTime.NowMicros(), row.LastUpdatedUs + 1);
            connection.Execute(
                "UPDATE tables SET current_snapshot_id = @snapshot, last_updated_us = @now WHERE table_id = @table;",
                ("@snapshot", snapshotId), ("@now", nowUs), ("@table", row.TableId));
            connection.Execute(
                "INSERT INTO snapshot_log (table_id, made_current_at_us, snapshot_id) VALUES (@table, @now, @snapshot);",
                ("@table", row.TableId), ("@now", nowUs), ("@snapshot", snapshotId));
            return (new RollbackResult(row.Name, current.SnapshotId, snapshotId), IcebergCommit.WriteMetadata(connection, Store.Root, row.Name));
        });
        IcebergCommit.AfterCommit(Store.Root, metadata);
        return result;
    }

    /// <summary>
    /// Removes snapshots committed before <paramref name="olderThan"/> (default: 5 days ago) except the
    /// current one and its <paramref name="retainLast"/> newest ancestors, then deletes the data files no
    /// remaining snapshot references; a file some snapshot can still see is never deleted. A dry run reports
    /// the same without changing anything. <paramref name="progress"/> hears of each file deleted.
    /// </summary>
    public ExpireResult ExpireSnapshots(
        string table, DateTime? olderThan = null, int retainLast = 1, bool dryRun = false, IProgress<MaintenanceProgress>? progress = null)
    {
        var name = TableName.Validate(table);
        if (retainLast < 1)
        {
            throw new InvalidTableArgumentException(nameof(retainLast), $"retainLast must be at least 1 (the current snapshot is always kept); got {retainLast}.");
        }

        var cutoffUs = TableTime.ToMicros(olderThan is { } value ? TableTime.ToUtc(value) : DateTime.UtcNow - s_defaultExpiryAge);
        var (tableName, expired, unreferenced, icebergFiles, metadata) = CatalogTransaction.Run(Store, _retryPolicy, name, commit: !dryRun, connection =>
        {
            var row = ForeignCommits.Reconcile(connection, Store.Root, CatalogQueries.RequireTable(connection, name));
            var (expired, unreferenced, icebergFiles) = SnapshotExpiry.Run(connection, row, cutoffUs, retainLast);
            // A new metadata file without the expired snapshots; not for a dry run, whose transaction rolls back.
            var metadata = expired.Count > 0 && !dryRun ? IcebergCommit.WriteMetadata(connection, Store.Root, row.Name) : null;
            return (row.Name, expired, unreferenced, icebergFiles, metadata);
        });

        // Only files inside the table's folder: another engine's snapshot may name files elsewhere, which are not ours to delete.
        var folder = TableFolders.RelativeFolder(tableName) + "/";
        var metadataFiles = icebergFiles
            .Select(f => TableFolders.RelativePath(Store.Root, IcebergLocation.ToLocalPath(f)))
            .Where(f => f.StartsWith(folder, StringComparison.OrdinalIgnoreCase))
            .ToArray();
        if (!dryRun)
        {
            IcebergCommit.AfterCommit(Store.Root, metadata);

            // Only now that the catalog no longer references them; a file that cannot be deleted stays as an orphan.
            for (var i = 0; i < unreferenced.Count; i++)
            {
                progress?.Report(new MaintenanceProgress(tableName, i, unreferenced.Count, unreferenced[i].Path));
                TryDelete(TableFolders.FullPath(Store.Root, unreferenced[i].Path));
            }

            foreach (var file in metadataFiles)
            {
                TryDelete(TableFolders.FullPath(Store.Root, file));
            }
        }

        return new ExpireResult(tableName, expired, unreferenced.Select(f => f.Path).ToArray(), unreferenced.Sum(f => f.SizeBytes), dryRun, metadataFiles);
    }

    /// <summary>
    /// Deletes files in the table's folder (every table's when <paramref name="table"/> is null) that no
    /// snapshot references and that were last written before <paramref name="olderThan"/> ago (default 3
    /// days, so appends in progress are safe): data files of crashed or failed appends, leftover temporary
    /// files. A dry run only reports them.
    /// </summary>
    public OrphanResult RemoveOrphanFiles(string? table = null, TimeSpan? olderThan = null, bool dryRun = false)
    {
        var age = olderThan ?? s_defaultOrphanAge;
        if (age < TimeSpan.Zero)
        {
            throw new InvalidTableArgumentException(nameof(olderThan), $"olderThan cannot be negative; got {age}.");
        }

        IReadOnlyList<string> folders;
        if (table is not null)
        {
            var name = TableName.Validate(table);
            var row = Read(connection => CatalogQueries.FindTable(connection, name));
            var folder = TableFolders.RelativeFolder(row?.Name ?? name);

            // A folder without a table is what a crashed first append leaves; it is still worth cleaning.
            if (row is null && !Directory.Exists(TableFolders.FullPath(Store.Root, folder)))
            {
                throw new TableNotFoundException(name);
            }

            folders = [folder];
        }
        else
        {
            folders = Directory.Exists(Store.TablesDirectory)
                ? Directory.EnumerateDirectories(Store.TablesDirectory).Select(d => TableFolders.RelativePath(Store.Root, d)).ToArray()
                : [];
        }

        return OrphanFileCleaner.Run(Store, folders, DateTime.UtcNow - age, dryRun);
    }

    private static ColumnBatch? Next(IEnumerator<ColumnBatch> batches) =>
        batches.MoveNext() ? batches.Current ?? throw new ArgumentException("A batch is null.", nameof(batches)) : null;

    private static SnapshotRow SnapshotAsOf(DbConnection connection, TableRow table, DateTime utc) =>
        CatalogQueries.SnapshotIdAsOf(connection, table.TableId, TableTime.ToMicros(utc)) is { } id
            ? CatalogQueries.RequireSnapshot(connection, table, id)
            : throw new SnapshotNotFoundException(
                table.Name,
                $"Cannot find a snapshot older than {utc.ToString("yyyy-MM-dd'T'HH':'mm':'ss.ffffff'Z'", CultureInfo.InvariantCulture)} in table '{table.Name}'.");

    private TableScan PlanIncremental(DbConnection connection, TableRow table, TableSchema schema, long startId, long endId)
    {
        var start = CatalogQueries.RequireSnapshot(connection, table, startId);
        var end = CatalogQueries.RequireSnapshot(connection, table, endId);
        var chain = CatalogQueries.WalkBack(connection, end, start);
        if (chain.Count == 0 || chain[^1].SnapshotId != startId)
        {
            throw new SnapshotNotAncestorException(
                table.Name, startId, $"Starting snapshot (exclusive) {startId} is not a parent ancestor of end snapshot {endId} in table '{table.Name}'.");
        }

        // Oldest first, without the start itself.
        var range = chain.Take(chain.Count - 1).Reverse().ToArray();
        if (range.FirstOrDefault(s => s.Operation != SnapshotOperation.Append) is { Operation: { } operation })
        {
            throw new IncrementalScanNotSupportedException(table.Name, operation, startId, endId);
        }

        var files = range.SelectMany(s => s.Files).Select(ToDataFile).ToArray();
        return new TableScan(table.Name, schema, ToSnapshot(table, start), ToSnapshot(table, end), files);
    }

    /// <summary>
    /// A read of one table. If another Iceberg writer has committed to it since MlopsPS last did, its commits are
    /// first taken into the index (or refused, see <see cref="ForeignCommits"/>); otherwise this costs one
    /// indexed lookup in the read's own transaction.
    /// </summary>
    private T ReadTable<T>(string name, Func<DbConnection, TableRow, T> query)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var connection = Store.Database.Open();
            using var transaction = CatalogReads.BeginRead(connection);
            var row = CatalogQueries.RequireTable(connection, name);
            if (attempt > 1 || row.MetadataLocation is null || IcebergCatalogTables.CurrentLocation(connection, row.Name) == row.MetadataLocation)
            {
                return query(connection, row);
            }

            transaction.Rollback();
            TakeInForeignCommits(name);
        }
    }

    private void TakeInForeignCommits(string name) =>
        CatalogTransaction.Run(Store, _retryPolicy, name, commit: true, connection =>
            ForeignCommits.Reconcile(connection, Store.Root, CatalogQueries.RequireTable(connection, name)));

    private T Read<T>(Func<DbConnection, T> query)
    {
        // One read transaction: all the queries of a call see the same committed state (WAL readers never
        // block writers and are never blocked by them).
        using var connection = Store.Database.Open();
        using var transaction = CatalogReads.BeginRead(connection);
        return query(connection);
    }

    private TableInfo ToTableInfo(DbConnection connection, TableRow table)
    {
        var current = CatalogQueries.RequireSnapshot(connection, table, table.CurrentSnapshotId);
        return new TableInfo(
            table.Name,
            table.Schema,
            table.CurrentSnapshotId,
            CatalogQueries.CountSnapshots(connection, table.TableId),
            current.Summary.TotalRecords,
            current.Summary.TotalFiles,
            TableTime.FromMicros(table.CreatedAtUs),
            TableTime.FromMicros(table.LastUpdatedUs),
            table.Dataset);
    }

    /// <summary>
    /// A snapshot; without <paramref name="files"/> its file list is loaded on first use, so handing out a
    /// snapshot costs the same whatever the table's history.
    /// </summary>
    private Snapshot ToSnapshot(TableRow table, SnapshotRow snapshot, IReadOnlyList<string>? files = null) => new(
        table.Name,
        snapshot.SnapshotId,
        snapshot.ParentId,
        snapshot.SequenceNumber,
        TableTime.FromMicros(snapshot.CommittedAtUs),
        snapshot.Operation,
        snapshot.Summary,
        files ?? new LazyFileList(() => LoadFiles(table, snapshot.SnapshotId)),
        table.Schema);

    private IReadOnlyList<string> LoadFiles(TableRow table, long snapshotId) => Read(connection =>
    {
        // The snapshot may have been expired since it was handed out; its files may be gone too.
        CatalogQueries.RequireSnapshot(connection, table, snapshotId);
        return CatalogQueries.VisibleFiles(connection, snapshotId).Select(f => f.Path).ToArray();
    });

    private DataFile ToDataFile(FileRow file) =>
        new(file.Path, TableFolders.FullPath(Store.Root, file.Path), file.RecordCount, file.SizeBytes, file.AddedSnapshotId);

    private void DeleteIfUnreferenced(WrittenDataFile file)
    {
        try
        {
            // A failed COMMIT could in principle have committed: never delete a file the catalog references.
            using var connection = Store.Database.Open();
            if (!CatalogQueries.FileIsReferenced(connection, file.RelativePath))
            {
                File.Delete(file.FullPath);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DbException)
        {
            // Cannot tell or cannot delete: the file stays as an orphan for RemoveOrphanFiles.
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left as an orphan for RemoveOrphanFiles.
        }
    }
}
