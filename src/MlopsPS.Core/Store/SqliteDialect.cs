using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Store;

/// <summary>SQLite: the write lock is the database's, and the schema version is <c>PRAGMA user_version</c>.</summary>
public sealed class SqliteDialect : ICatalogDialect
{
    /// <summary>The one instance.</summary>
    public static readonly SqliteDialect Instance = new();

    private SqliteDialect()
    {
    }

    /// <inheritdoc />
    public StoreBackend Backend => StoreBackend.Sqlite;

    /// <inheritdoc />
    public string MigrationSuffix => "sqlite";

    /// <inheritdoc />
    public DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    /// <inheritdoc />
    public void LockForMigration(DbConnection connection, DbTransaction transaction)
    {
        // BEGIN IMMEDIATE (BeginWrite) already holds the only write lock there is.
    }

    /// <inheritdoc />
    public int ReadSchemaVersion(DbConnection connection, DbTransaction? transaction) =>
        Convert.ToInt32(CatalogDatabase.Scalar(connection, transaction, "PRAGMA user_version;"), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void WriteSchemaVersion(DbConnection connection, DbTransaction transaction, int version) =>
        CatalogDatabase.Execute(connection, transaction, $"PRAGMA user_version = {version.ToString(CultureInfo.InvariantCulture)};");

    /// <inheritdoc />
    public string WildcardMatch(string column, string parameter) => $"{column} GLOB {parameter}";

    /// <inheritdoc />
    public string WildcardPattern(string wildcard) => Common.SqlGlob.FromWildcard(wildcard);

    /// <inheritdoc />
    public string CaseSensitiveLike(string column, string parameter) => $"{column} GLOB {parameter}";

    /// <inheritdoc />
    public string LikePattern(string like)
    {
        // SQLite's LIKE ignores case, so a LIKE pattern becomes the GLOB pattern that means the same.
        var glob = new StringBuilder();
        foreach (var c in like)
        {
            glob.Append(c switch
            {
                '%' => "*",
                '_' => "?",
                '*' => "[*]",
                '?' => "[?]",
                '[' => "[[]",
                _ => c.ToString(),
            });
        }

        return glob.ToString();
    }

    /// <inheritdoc />
    public string JsonObjectAggregate(string key, string value) => $"json_group_object({key}, {value})";

    /// <inheritdoc />
    public string JsonArrayAggregate(string value) => $"json_group_array({value})";

    /// <inheritdoc />
    public string RowLock(bool skipLocked = false) => string.Empty;
}
