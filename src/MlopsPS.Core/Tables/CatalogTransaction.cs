using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;
using Npgsql;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Runs a catalog change of one table as one transaction in which everything it reads stays true until it commits.
/// SQLite: the transaction takes the database's write lock first (<c>BEGIN IMMEDIATE</c>). PostgreSQL has no global
/// write lock: the transaction (READ COMMITTED) takes a transaction-scoped advisory lock of the table alone, so two
/// writers of one table take turns for the short metadata commit (their data files are written before, in parallel)
/// and never write the same <c>vN.metadata.json</c>, while writers of other tables do not wait; every commit still
/// moves <c>iceberg_tables</c> by compare-and-swap, which guards against engines that do not take the lock. If the
/// lock stays busy past the policy's lock timeout, or PostgreSQL reports a conflict (serialization failure,
/// deadlock, unique violation), the whole transaction is tried again after a backoff; the body re-reads the catalog
/// each time.
/// </summary>
internal static class CatalogTransaction
{
    // The advisory lock class of table commits ("MLTB"); the key is a hash of the table's lower-case name.
    private const int TableLockClass = 0x4D4C5442;

    /// <summary>
    /// Runs <paramref name="body"/> and commits, or rolls back when <paramref name="commit"/> is false (dry
    /// runs). Throws <see cref="CommitFailedException"/> when the retries are spent.
    /// </summary>
    public static T Run<T>(MlopsStore store, CommitRetryPolicy policy, string table, bool commit, Func<DbConnection, T> body)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = store.Database.Open();
                using var transaction = Begin(connection, policy.LockTimeout, table);
                var result = body(connection);
                if (commit)
                {
                    transaction.Commit();
                }
                else
                {
                    transaction.Rollback();
                }

                return result;
            }
            catch (DbException e) when (IsConflict(e))
            {
                if (attempt > policy.MaxRetries || clock.Elapsed >= policy.TotalTimeout)
                {
                    throw new CommitFailedException(table, attempt, e);
                }

                Thread.Sleep(policy.WaitBefore(attempt));
            }
        }
    }

    private static DbTransaction Begin(DbConnection connection, TimeSpan lockTimeout, string table)
    {
        if (connection is SqliteConnection sqlite)
        {
            // Two waits apply: SQLite's busy handler, and Microsoft.Data.Sqlite's own retry loop on BUSY, which
            // counts whole seconds (0 would mean forever).
            sqlite.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(lockTimeout.TotalSeconds));
            CatalogDatabase.Execute(sqlite, null, $"PRAGMA busy_timeout = {(int)lockTimeout.TotalMilliseconds};");
            return sqlite.BeginTransaction(deferred: false);
        }

        var transaction = connection.BeginTransaction(IsolationLevel.ReadCommitted);
        CatalogDatabase.Execute(
            connection, transaction, $"SET LOCAL lock_timeout = {((long)lockTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)};");
        CatalogDatabase.Execute(
            connection,
            transaction,
            "SELECT pg_advisory_xact_lock_shared(@settings, 0), pg_advisory_xact_lock(@class, @key);",
            ("settings", Iceberg.IcebergCatalogName.SettingsLockClass),
            ("class", TableLockClass),
            ("key", LockKey(table)));
        return transaction;
    }

    /// <summary>FNV-1a of the lower-case name: one lock per table whatever the case it is named in.</summary>
    private static int LockKey(string table)
    {
        var hash = 2166136261u;
        foreach (var c in table.ToLowerInvariant())
        {
            hash = (hash ^ c) * 16777619u;
        }

        return unchecked((int)hash);
    }

    private static bool IsConflict(DbException e) => e switch
    {
        SqliteException sqlite => (sqlite.SqliteErrorCode & 0xFF) is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        // serialization_failure, deadlock_detected, lock_not_available (lock_timeout), unique_violation (a racing creator)
        PostgresException postgres => postgres.SqlState is "40001" or "40P01" or "55P03" or "23505",
        _ => false,
    };
}
