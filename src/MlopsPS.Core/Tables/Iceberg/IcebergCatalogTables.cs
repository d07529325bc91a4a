using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// Reads and moves a table's row in <c>iceberg_tables</c>, as the Iceberg SQL catalogs do: a commit is a
/// compare-and-swap of <c>metadata_location</c> (<c>UPDATE ... WHERE ... AND metadata_location = old</c>), run
/// inside the same SQLite transaction as MlopsPS's snapshot rows, so both change or neither.
/// </summary>
internal static class IcebergCatalogTables
{
    /// <summary>The metadata file the catalog points at for <paramref name="tableName"/>, or null when it has no row.</summary>
    public static string? CurrentLocation(SqliteConnection connection, string tableName)
    {
        var (ns, name) = IcebergCatalogSchema.Identifier(tableName);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT metadata_location FROM iceberg_tables
            WHERE catalog_name = $catalog AND table_namespace = $namespace AND table_name = $name;
            """;
        command.Parameters.AddWithValue("$catalog", IcebergCatalogSchema.CatalogName);
        command.Parameters.AddWithValue("$namespace", ns);
        command.Parameters.AddWithValue("$name", name);
        return command.ExecuteScalar() as string;
    }

    /// <summary>
    /// Points the catalog at <paramref name="newLocation"/>: registers the table (and its namespace, as PyIceberg's
    /// <c>create_namespace</c> does) when <paramref name="expected"/> is null, else swaps only if the catalog
    /// still points at <paramref name="expected"/>. Throws <see cref="ForeignCommitException"/> when it does not.
    /// </summary>
    public static void Swap(SqliteConnection connection, string tableName, string? expected, string newLocation)
    {
        var (ns, name) = IcebergCatalogSchema.Identifier(tableName);
        int changed;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = expected is null
                ? """
                  INSERT OR IGNORE INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location, previous_metadata_location, iceberg_type)
                  VALUES ($catalog, $namespace, $name, $new, NULL, $type);
                  """
                : """
                  UPDATE iceberg_tables SET metadata_location = $new, previous_metadata_location = $old
                  WHERE catalog_name = $catalog AND table_namespace = $namespace AND table_name = $name AND metadata_location = $old;
                  """;
            command.Parameters.AddWithValue("$catalog", IcebergCatalogSchema.CatalogName);
            command.Parameters.AddWithValue("$namespace", ns);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$new", newLocation);
            command.Parameters.AddWithValue("$old", (object?)expected ?? DBNull.Value);
            command.Parameters.AddWithValue("$type", IcebergCatalogSchema.TableType);
            changed = command.ExecuteNonQuery();
        }

        if (changed != 1)
        {
            throw new ForeignCommitException(
                tableName, expected, CurrentLocation(connection, tableName) ?? "(no catalog row)",
                expected is null ? $"the Iceberg catalog already has a table {ns}.{name}" : "it committed in the meantime");
        }

        if (expected is not null)
        {
            return;
        }

        using var property = connection.CreateCommand();
        property.CommandText = """
            INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
            VALUES ($catalog, $namespace, 'exists', 'true');
            """;
        property.Parameters.AddWithValue("$catalog", IcebergCatalogSchema.CatalogName);
        property.Parameters.AddWithValue("$namespace", ns);
        property.ExecuteNonQuery();
    }
}
