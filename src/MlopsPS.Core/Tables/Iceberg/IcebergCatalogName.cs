using System.Data.Common;
using System.Text.RegularExpressions;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// The catalog name a store registers its tables under in the Iceberg SQL catalog (<c>iceberg_tables.catalog_name</c>):
/// a store setting (<c>store_settings</c>, migration 0009), <see cref="Default"/> until <c>Set-MlopsStore
/// -IcebergCatalogName</c> chooses another. PyIceberg's <c>SqlCatalog(name, ...)</c> and Spark's
/// <c>spark.sql.catalog.&lt;name&gt;</c> must use the same name to see the tables.
/// </summary>
public static partial class IcebergCatalogName
{
    /// <summary>The name a store has until one is chosen.</summary>
    public const string Default = "mlops";

    /// <summary>The row of <c>store_settings</c> that holds the name.</summary>
    public const string SettingName = "iceberg.catalog-name";

    /// <summary>
    /// PostgreSQL's advisory lock class ("MLST") of the store's settings: a table commit holds it shared, a change of the
    /// name exclusively, so a commit never reads the old name and then finds its row moved (SQLite's write lock does this there).
    /// </summary>
    internal const int SettingsLockClass = 0x4D4C5354;

    /// <summary>The name the store's tables are registered under, read in <paramref name="transaction"/> when given.</summary>
    public static string Read(DbConnection connection, DbTransaction? transaction)
    {
        try
        {
            return CatalogDatabase.Scalar(connection, transaction, "SELECT value FROM store_settings WHERE name = @name;", ("name", SettingName)) as string
                ?? Default;
        }
        catch (Microsoft.Data.Sqlite.SqliteException e) when (e.SqliteErrorCode == 1 && e.Message.Contains("store_settings", StringComparison.Ordinal))
        {
            // Migration 0008's backfill of an older SQLite store commits its tables before 0009 adds the settings
            // (SQLite fails only this statement, not the transaction): no setting yet, so the default.
            return Default;
        }
    }

    /// <summary>The name the store's tables are registered under.</summary>
    public static string Read(MlopsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        using var connection = store.Database.Open();
        return Read(connection, null);
    }

    /// <summary>
    /// Refuses a name Spark could not use as <c>spark.sql.catalog.&lt;name&gt;</c> or that does not fit the catalog's
    /// <c>VARCHAR(255)</c>: a letter or '_' first, then letters, digits and '_'.
    /// </summary>
    public static void Validate(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 255 || !ValidName().IsMatch(name))
        {
            throw new InvalidIcebergCatalogNameException(name);
        }
    }

    /// <summary>
    /// Makes <paramref name="newName"/> the store's catalog name, moving every row of <c>iceberg_tables</c> and
    /// <c>iceberg_namespace_properties</c> under the old name to it in one transaction (with the setting itself), so
    /// a concurrent commit either lands before and is moved, or after and finds its row under the new name. Refuses a
    /// name that already has rows in the catalog (another engine's catalog in the same database): the two would mix.
    /// Returns the old name and the number of tables moved.
    /// </summary>
    public static (string OldName, int TablesMoved) Change(MlopsStore store, string newName)
    {
        ArgumentNullException.ThrowIfNull(store);
        Validate(newName);
        using var connection = store.Database.Open();
        using var transaction = store.Database.Dialect.BeginWrite(connection);
        if (store.Backend == StoreBackend.PostgreSql)
        {
            // Commits hold this lock shared (CatalogTransaction): none is between reading the name and swapping its row.
            CatalogDatabase.Execute(connection, transaction, "SELECT pg_advisory_xact_lock(@class, 0);", ("class", SettingsLockClass));
        }

        var oldName = Read(connection, transaction);
        if (oldName == newName)
        {
            transaction.Commit();
            return (oldName, 0);
        }

        var taken = Convert.ToInt64(
            CatalogDatabase.Scalar(
                connection,
                transaction,
                "SELECT (SELECT count(*) FROM iceberg_tables WHERE catalog_name = @name) + (SELECT count(*) FROM iceberg_namespace_properties WHERE catalog_name = @name);",
                ("name", newName)),
            System.Globalization.CultureInfo.InvariantCulture);
        if (taken > 0)
        {
            throw new InvalidIcebergCatalogNameException(
                newName, $"the Iceberg catalog already has entries under '{newName}' (another catalog in the same database); choose another name.", MlopsErrorKind.ResourceExists);
        }

        var moved = CatalogDatabase.Execute(
            connection, transaction, "UPDATE iceberg_tables SET catalog_name = @new WHERE catalog_name = @old;", ("new", newName), ("old", oldName));
        CatalogDatabase.Execute(
            connection, transaction, "UPDATE iceberg_namespace_properties SET catalog_name = @new WHERE catalog_name = @old;", ("new", newName), ("old", oldName));
        CatalogDatabase.Execute(
            connection,
            transaction,
            "INSERT INTO store_settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value;",
            ("name", SettingName),
            ("value", newName));
        transaction.Commit();
        return (oldName, moved);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ValidName();
}

/// <summary>An Iceberg catalog name is malformed or already used by another catalog in the same database.</summary>
public sealed class InvalidIcebergCatalogNameException : MlopsException
{
    /// <summary>Creates the exception for a malformed name.</summary>
    public InvalidIcebergCatalogNameException(string? name)
        : this(name, "use 1 to 255 letters, digits and '_', not starting with a digit (Spark reads it as spark.sql.catalog.<name>).")
    {
    }

    /// <summary>Creates the exception with its reason and kind.</summary>
    public InvalidIcebergCatalogNameException(string? name, string reason, MlopsErrorKind kind = MlopsErrorKind.InvalidArgument)
        : base($"'{name}' cannot be the Iceberg catalog name: {reason}", kind)
    {
        Name = name;
    }

    /// <summary>The refused name.</summary>
    public string? Name { get; }
}
