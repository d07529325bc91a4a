using System.Data.Common;

namespace MlopsPS.Core.Store;

/// <summary>
/// What really differs between the catalog's two database engines. Everything else (the SQL of the queries, with
/// <c>@name</c> parameters, which both drivers accept) is written once; <see cref="CatalogDatabase"/> runs it.
/// </summary>
public interface ICatalogDialect
{
    /// <summary>Which engine this is.</summary>
    StoreBackend Backend { get; }

    /// <summary>The suffix of this engine's migration overrides: <c>NNNN_name.&lt;suffix&gt;.sql</c>.</summary>
    string MigrationSuffix { get; }

    /// <summary>
    /// Starts a transaction that will write: on SQLite it takes the database's write lock at once (<c>BEGIN
    /// IMMEDIATE</c>), so a read-then-write never deadlocks against another writer; on PostgreSQL row locks and
    /// compare-and-swap updates serialize the writers, and this is a plain READ COMMITTED transaction.
    /// </summary>
    DbTransaction BeginWrite(DbConnection connection);

    /// <summary>
    /// Inside a write transaction, waits until no other process is migrating this catalog; held until the
    /// transaction ends. SQLite's write lock already does this.
    /// </summary>
    void LockForMigration(DbConnection connection, DbTransaction transaction);

    /// <summary>The catalog's schema version, 0 for a new catalog.</summary>
    int ReadSchemaVersion(DbConnection connection, DbTransaction? transaction);

    /// <summary>Records the schema version inside the migrating transaction.</summary>
    void WriteSchemaVersion(DbConnection connection, DbTransaction transaction, int version);

    /// <summary>
    /// A condition that <paramref name="column"/> matches the parameter <paramref name="parameter"/>, whose value is
    /// <see cref="WildcardPattern"/>'s text: case-sensitive, with PowerShell's <c>*</c> and <c>?</c>.
    /// </summary>
    string WildcardMatch(string column, string parameter);

    /// <summary>A PowerShell name wildcard (<c>*</c>, <c>?</c>) as the pattern text <see cref="WildcardMatch"/> takes.</summary>
    string WildcardPattern(string wildcard);

    /// <summary>
    /// A condition that <paramref name="column"/> matches the parameter <paramref name="parameter"/>, whose value is
    /// <see cref="LikePattern"/>'s text: SQL LIKE (<c>%</c>, <c>_</c>) that tells case apart, as MLflow's LIKE does.
    /// </summary>
    string CaseSensitiveLike(string column, string parameter);

    /// <summary>An SQL LIKE pattern as the text <see cref="CaseSensitiveLike"/> takes.</summary>
    string LikePattern(string like);

    /// <summary>An aggregate of key/value rows into one JSON object text (NULL or <c>{}</c> over no rows).</summary>
    string JsonObjectAggregate(string key, string value);

    /// <summary>An aggregate of values into one JSON array text (NULL or <c>[]</c> over no rows).</summary>
    string JsonArrayAggregate(string value);

    /// <summary>
    /// The clause that ends a SELECT inside a write transaction to lock the rows it reads until the transaction ends:
    /// PostgreSQL's <c>FOR UPDATE</c> (with <paramref name="skipLocked"/>, <c>FOR UPDATE SKIP LOCKED</c>: rows another
    /// transaction holds are passed over, not waited for); empty on SQLite, whose <c>BEGIN IMMEDIATE</c> already holds
    /// the one write lock.
    /// </summary>
    string RowLock(bool skipLocked = false);
}
