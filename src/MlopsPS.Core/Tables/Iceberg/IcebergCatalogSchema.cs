namespace MlopsPS.Core.Tables.Iceberg;

/// <summary>
/// The two tables of an Iceberg SQL catalog, created in <c>catalog.db</c> by migration 0008 with exactly the
/// statements PyIceberg's <c>SqlCatalog</c> issues on SQLite (SQLAlchemy renders its declarative models as the text
/// below: a newline, tab-indented columns separated by ", \n", the primary key last), followed by the column
/// Iceberg's Java <c>JdbcCatalog</c> adds when it upgrades a catalog to its V1 schema (<c>iceberg_type</c>, which
/// tells tables from views). Both engines then find the catalog as they would have made it, and neither tries to
/// create or alter it.
/// </summary>
internal static class IcebergCatalogSchema
{
    /// <summary>PyIceberg's <c>IcebergTables</c> model, as SQLAlchemy emits its CREATE TABLE for SQLite.</summary>
    public const string CreateTables =
        "\nCREATE TABLE iceberg_tables (\n" +
        "\tcatalog_name VARCHAR(255) NOT NULL, \n" +
        "\ttable_namespace VARCHAR(255) NOT NULL, \n" +
        "\ttable_name VARCHAR(255) NOT NULL, \n" +
        "\tmetadata_location VARCHAR(1000), \n" +
        "\tprevious_metadata_location VARCHAR(1000), \n" +
        "\tPRIMARY KEY (catalog_name, table_namespace, table_name)\n" +
        ")\n\n";

    /// <summary>Java JdbcCatalog's upgrade to its V1 schema (JdbcUtil's <c>V1_UPDATE_CATALOG_SQL</c>).</summary>
    public const string AddIcebergType = "ALTER TABLE iceberg_tables ADD COLUMN iceberg_type VARCHAR(5)";

    /// <summary>PyIceberg's <c>IcebergNamespaceProperties</c> model, as SQLAlchemy emits its CREATE TABLE for SQLite.</summary>
    public const string CreateNamespaceProperties =
        "\nCREATE TABLE iceberg_namespace_properties (\n" +
        "\tcatalog_name VARCHAR(255) NOT NULL, \n" +
        "\tnamespace VARCHAR(255) NOT NULL, \n" +
        "\tproperty_key VARCHAR(255) NOT NULL, \n" +
        "\tproperty_value VARCHAR(1000) NOT NULL, \n" +
        "\tPRIMARY KEY (catalog_name, namespace, property_key)\n" +
        ")\n\n";

    /// <summary>The namespace of a table whose name has no dot (PyIceberg needs one; Spark's default is this).</summary>
    public const string DefaultNamespace = "default";

    /// <summary>The value Java's V1 schema stores in <c>iceberg_type</c> for a table.</summary>
    public const string TableType = "TABLE";

    /// <summary>Creates the catalog's two tables as PyIceberg would, with Java's <c>iceberg_type</c> column.</summary>
    public static void Create(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction)
    {
        foreach (var ddl in new[] { CreateTables, AddIcebergType, CreateNamespaceProperties })
        {
            Store.CatalogDatabase.Execute(connection, transaction, ddl);
        }
    }

    /// <summary>The namespace and name of a table in the Iceberg catalog: <c>a.b.t</c> is table <c>t</c> in <c>a.b</c>.</summary>
    public static (string Namespace, string Name) Identifier(string tableName)
    {
        var dot = tableName.LastIndexOf('.');
        return dot < 0 ? (DefaultNamespace, tableName) : (tableName[..dot], tableName[(dot + 1)..]);
    }
}
