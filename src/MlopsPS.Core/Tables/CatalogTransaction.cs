using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Runs a catalog change as one SQLite transaction that takes the write lock first (<c>BEGIN IMMEDIATE</c>),
/// so everything it reads stays true until it commits. If the lock stays busy past the policy's lock timeout
/// the whole transaction is tried again after a backoff; the body re-reads the catalog each time.
/// </summary>
internal static class CatalogTransaction
{
    /// <summary>
    /// Runs <paramref name="body"/> and commits, or rolls back when <paramref name="commit"/> is false (dry
    /// runs). Throws <see cref="CommitFailedException"/> when the retries are spent.
    /// </summary>
    public static T Run<T>(MlopsStore store, CommitRetryPolicy policy, string table, bool commit, Func<SqliteConnection, T> body)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = store.OpenConnection();
                SetLockTimeout(connection, policy.LockTimeout);
                using var transaction = connection.BeginTransaction(deferred: false);
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
            catch (SqliteException e) when (IsBusy(e))
            {
                if (attempt > policy.MaxRetries || clock.Elapsed >= policy.TotalTimeout)
                {
                    throw new CommitFailedException(table, attempt, e);
                }

                Thread.Sleep(policy.WaitBefore(attempt));
            }
        }
    }

    private static void SetLockTimeout(SqliteConnection connection, TimeSpan timeout)
    {
        // Two waits apply: SQLite's busy handler, and Microsoft.Data.Sqlite's own retry loop on BUSY, which
        // counts whole seconds (0 would mean forever).
        connection.DefaultTimeout = Math.Max(1, (int)Math.Ceiling(timeout.TotalSeconds));
        using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA busy_timeout = {(int)timeout.TotalMilliseconds};";
        pragma.ExecuteNonQuery();
    }

    private static bool IsBusy(SqliteException e) => (e.SqliteErrorCode & 0xFF) is 5 or 6; // SQLITE_BUSY, SQLITE_LOCKED
}
