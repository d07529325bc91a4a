using System.Data.Common;
using System.Globalization;
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
}
