using System.Data;
using System.Data.Common;
using System.Globalization;

namespace MlopsPS.Core.Store;

/// <summary>
/// PostgreSQL: the schema version is the one row of <c>mlops_schema_version</c>, and migrations serialize on a
/// transaction-level advisory lock, so two processes that open a new or older catalog at once apply each migration
/// exactly once (the second waits, then finds the version already moved).
/// </summary>
public sealed class PostgreSqlDialect : ICatalogDialect
{
    /// <summary>The one instance.</summary>
    public static readonly PostgreSqlDialect Instance = new();

    // An arbitrary constant of MlopsPS's: the advisory lock key its migrations take ("MLOPSPS1" in ASCII).
    private const long MigrationLockKey = 0x4D4C4F5053505331;

    private PostgreSqlDialect()
    {
    }

    /// <inheritdoc />
    public StoreBackend Backend => StoreBackend.PostgreSql;

    /// <inheritdoc />
    public string MigrationSuffix => "postgresql";

    /// <inheritdoc />
    public DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(IsolationLevel.ReadCommitted);

    /// <inheritdoc />
    public void LockForMigration(DbConnection connection, DbTransaction transaction) =>
        CatalogDatabase.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@key);", ("key", MigrationLockKey));

    /// <inheritdoc />
    public int ReadSchemaVersion(DbConnection connection, DbTransaction? transaction)
    {
        // A new, empty database has no version table: version 0. Asked of pg_tables with the statement's own snapshot,
        // not with to_regclass: that reads the backend's catalog cache, which an advisory lock does not refresh, so a
        // migrator that waited for another would still see no table after the other committed it.
        var exists = CatalogDatabase.Scalar(
            connection,
            transaction,
            "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = 'mlops_schema_version');");
        if (exists is not true)
        {
            return 0;
        }

        var version = CatalogDatabase.Scalar(connection, transaction, "SELECT max(version) FROM mlops_schema_version;");
        return version is null or DBNull ? 0 : Convert.ToInt32(version, CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public void WriteSchemaVersion(DbConnection connection, DbTransaction transaction, int version)
    {
        CatalogDatabase.Execute(connection, transaction, "CREATE TABLE IF NOT EXISTS mlops_schema_version (version integer NOT NULL);");
        CatalogDatabase.Execute(connection, transaction, "DELETE FROM mlops_schema_version;");
        CatalogDatabase.Execute(connection, transaction, "INSERT INTO mlops_schema_version (version) VALUES (@version);", ("version", version));
    }

    /// <inheritdoc />
    public string WildcardMatch(string column, string parameter) => $"{column} LIKE {parameter}";

    /// <inheritdoc />
    public string WildcardPattern(string wildcard) => Common.SqlLike.FromWildcard(wildcard);

    /// <inheritdoc />
    public string CaseSensitiveLike(string column, string parameter) => $"{column} LIKE {parameter}";

    /// <inheritdoc />
    public string LikePattern(string like) => like;

    /// <inheritdoc />
    public string JsonObjectAggregate(string key, string value) => $"json_object_agg({key}, {value})::text";

    /// <inheritdoc />
    public string JsonArrayAggregate(string value) => $"json_agg({value})::text";

    /// <inheritdoc />
    public string RowLock(bool skipLocked = false) => skipLocked ? " FOR UPDATE SKIP LOCKED" : " FOR UPDATE";
}
