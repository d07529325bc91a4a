using System.Data.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// Reads and moves a table's row in <c>iceberg_tables</c>, as the Iceberg SQL catalogs do: a commit is a
/// compare-and-swap of <c>metadata_location</c> (<c>UPDATE ... WHERE ... AND metadata_location = old</c>), run
/// inside the same transaction as MlopsPS's snapshot rows, so both change or neither. The rows are under the store's
/// catalog name (<see cref="IcebergCatalogName"/>), read in the same transaction. SQL valid on SQLite and PostgreSQL;
/// commands join the connection's pending transaction.
/// </summary>
internal static class IcebergCatalogTables
{
    /// <summary>The metadata file the catalog points at for <paramref name="tableName"/>, or null when it has no row.</summary>
    public static string? CurrentLocation(DbConnection connection, string tableName) =>
        CurrentLocation(connection, IcebergCatalogName.Read(connection, null), tableName);

    private static string? CurrentLocation(DbConnection connection, string catalog, string tableName)
    {
        var (ns, name) = IcebergCatalogSchema.Identifier(tableName);
        return CatalogDatabase.Scalar(
            connection,
            null,
            """
            SELECT metadata_location FROM iceberg_tables
            WHERE catalog_name = @catalog AND table_namespace = @namespace AND table_name = @name;
            """,
            ("catalog", catalog),
            ("namespace", ns),
            ("name", name)) as string;
    }

    /// <summary>
    /// Points the catalog at <paramref name="newLocation"/>: registers the table (and its namespace, as PyIceberg's
    /// <c>create_namespace</c> does) when <paramref name="expected"/> is null, else swaps only if the catalog
    /// still points at <paramref name="expected"/>. Throws <see cref="ForeignCommitException"/> when it does not.
    /// </summary>
    public static void Swap(DbConnection connection, string tableName, string? expected, string newLocation)
    {
        var catalog = IcebergCatalogName.Read(connection, null);
        var (ns, name) = IcebergCatalogSchema.Identifier(tableName);
        var changed = expected is null
            ? CatalogDatabase.Execute(
                connection,
                null,
                """
                INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
                VALUES (@catalog, @namespace, @name, @new, NULL, @type)
                ON CONFLICT (catalog_name, table_namespace, table_name) DO NOTHING;
                """,
                ("catalog", catalog),
                ("namespace", ns),
                ("name", name),
                ("new", newLocation),
                ("type", IcebergCatalogSchema.TableType))
            : CatalogDatabase.Execute(
                connection,
                null,
                """
                UPDATE iceberg_tables SET metadata_location = @new, previous_metadata_location = @old
                WHERE catalog_name = @catalog AND table_namespace = @namespace AND table_name = @name AND metadata_location = @old;
                """,
                ("catalog", catalog),
                ("namespace", ns),
                ("name", name),
                ("new", newLocation),
                ("old", expected));

        if (changed != 1)
        {
            throw new ForeignCommitException(
                tableName, expected, CurrentLocation(connection, catalog, tableName) ?? "(no catalog row)",
                expected is null ? $"the Iceberg catalog already has a table {ns}.{name}" : "it committed in the meantime");
        }

        if (expected is not null)
        {
            return;
        }

        CatalogDatabase.Execute(
            connection,
            null,
            """
            INSERT INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
            VALUES (@catalog, @namespace, 'exists', 'true')
            ON CONFLICT (catalog_name, namespace, property_key) DO NOTHING;
            """,
            ("catalog", catalog),
            ("namespace", ns));
    }
}
