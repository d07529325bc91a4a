using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Store;

/// <summary>
/// Brings a catalog to the newest schema. Migrations are embedded <c>Store/Migrations/NNNN_name.sql</c> files applied
/// in order, shared by both engines; where an engine needs other SQL, <c>NNNN_name.sqlite.sql</c> or
/// <c>NNNN_name.postgresql.sql</c> takes the shared file's place for it. The dialect records the last one applied
/// (SQLite's <c>user_version</c>, PostgreSQL's <c>mlops_schema_version</c>).
/// </summary>
public static class CatalogMigrations
{
    private static readonly Lazy<IReadOnlyDictionary<StoreBackend, IReadOnlyList<Migration>>> s_all = new(LoadEmbedded);

    // Migrations that need more than SQL: run after their SQL, in the same transaction, with the store's folder.
    private static readonly Dictionary<(StoreBackend, int), Action<DbConnection, DbTransaction, string>> s_codeSteps = new()
    {
        // SQLite: PyIceberg's catalog DDL, then Iceberg metadata for every table the store already has.
        [(StoreBackend.Sqlite, 8)] = (connection, _, root) => Tables.Iceberg.IcebergBackfill.Run((SqliteConnection)connection, root),
        // PostgreSQL stores begin at a schema with Iceberg tables (no older one exists): the catalog DDL only.
        [(StoreBackend.PostgreSql, 8)] = (connection, transaction, _) => Tables.Iceberg.IcebergCatalogSchema.Create(connection, transaction),
    };

    /// <summary>Every SQLite migration, in version order.</summary>
    public static IReadOnlyList<Migration> All => For(StoreBackend.Sqlite);

    /// <summary>The schema version a fully migrated catalog has (the same on both engines).</summary>
    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    /// <summary>Every migration of <paramref name="backend"/>, in version order.</summary>
    public static IReadOnlyList<Migration> For(StoreBackend backend) => s_all.Value[backend];

    /// <summary>
    /// Applies the migrations the catalog lacks, each once even when several processes open a new or older catalog
    /// at once: the migrating transaction takes the dialect's lock (SQLite's <c>BEGIN IMMEDIATE</c>, PostgreSQL's
    /// advisory lock), then reads the version again. A catalog newer than this module is refused, naming both versions.
    /// </summary>
    public static int Apply(CatalogDatabase database, string storeRoot)
    {
        var dialect = database.Dialect;
        using var connection = database.Open();
        var current = dialect.ReadSchemaVersion(connection, null);
        if (current == LatestVersion)
        {
            return current;
        }

        RefuseNewer(current);
        using var transaction = dialect.BeginWrite(connection);
        dialect.LockForMigration(connection, transaction);
        current = dialect.ReadSchemaVersion(connection, transaction);
        RefuseNewer(current);
        foreach (var migration in For(dialect.Backend).Where(m => m.Version > current))
        {
            CatalogDatabase.Execute(connection, transaction, migration.Sql);
            if (s_codeSteps.TryGetValue((dialect.Backend, migration.Version), out var step))
            {
                step(connection, transaction, storeRoot);
            }

            dialect.WriteSchemaVersion(connection, transaction, migration.Version);
        }

        transaction.Commit();
        return LatestVersion;
    }

    private static void RefuseNewer(int current)
    {
        if (current > LatestVersion)
        {
            throw new StoreException(
                $"The store's catalog has schema version {current}, newer than this MlopsPS understands " +
                $"({LatestVersion}). Update the MlopsPS module.");
        }
    }

    private static IReadOnlyDictionary<StoreBackend, IReadOnlyList<Migration>> LoadEmbedded()
    {
        var assembly = typeof(CatalogMigrations).Assembly;
        const string prefix = "MlopsPS.Core.Store.Migrations.";
        var shared = new Dictionary<int, Migration>();
        var overrides = new Dictionary<(string Suffix, int Version), Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            // The csproj names each resource after its file: MlopsPS.Core.Store.Migrations.0001_tables.sql, or with an
            // engine's suffix before .sql (0008_iceberg.postgresql.sql).
            var fileName = resource[prefix.Length..^".sql".Length];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture);
            var parts = fileName[(separator + 1)..].Split('.');
            var migration = new Migration(version, parts[0], ReadResource(assembly, resource));
            if (parts.Length == 1)
            {
                shared.Add(version, migration);
            }
            else
            {
                overrides.Add((parts[1], version), migration);
            }
        }

        var versions = shared.Keys.Concat(overrides.Keys.Select(k => k.Version)).Distinct().Order().ToArray();
        var result = new Dictionary<StoreBackend, IReadOnlyList<Migration>>();
        foreach (var dialect in new ICatalogDialect[] { SqliteDialect.Instance, PostgreSqlDialect.Instance })
        {
            var list = new List<Migration>();
            foreach (var version in versions)
            {
                // Numbers are handed out per branch (a gap is a number another branch holds until the merge renumbers);
                // they must only increase.
                if (list.Count > 0 && version <= list[^1].Version)
                {
                    throw new InvalidOperationException($"Catalog migrations must be numbered in increasing order; found {version} after {list[^1].Version}.");
                }

                list.Add(overrides.GetValueOrDefault((dialect.MigrationSuffix, version)) ?? shared.GetValueOrDefault(version)
                    ?? throw new InvalidOperationException($"Catalog migration {version} has no SQL for {dialect.Backend}: add NNNN_name.sql or NNNN_name.{dialect.MigrationSuffix}.sql."));
            }

            result.Add(dialect.Backend, list);
        }

        return result;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
