using System.Globalization;
using System.Reflection;
using Microsoft.Data.Sqlite;

namespace MlopsPS.Core.Store;

/// <summary>
/// Brings a catalog to the newest schema. Migrations are embedded <c>Store/Migrations/NNNN_name.sql</c> files
/// applied in order; SQLite's <c>user_version</c> records the last one applied.
/// </summary>
public static class CatalogMigrations
{
    private static readonly Lazy<IReadOnlyList<Migration>> s_all = new(LoadEmbedded);

    // Migrations that need more than SQL: run after their SQL, in the same transaction, with the store's folder.
    private static readonly Dictionary<int, Action<SqliteConnection, string>> s_codeSteps = new()
    {
        [8] = Tables.Iceberg.IcebergBackfill.Run,
    };

    /// <summary>Every migration the engine knows, in version order.</summary>
    public static IReadOnlyList<Migration> All => s_all.Value;

    /// <summary>The schema version a fully migrated catalog has.</summary>
    public static int LatestVersion => All.Count == 0 ? 0 : All[^1].Version;

    /// <summary>
    /// Applies the migrations the catalog lacks. <c>BEGIN IMMEDIATE</c> takes the write lock first, so two
    /// processes opening a new store at once apply each migration exactly once.
    /// </summary>
    public static int Apply(SqliteConnection connection)
    {
        var current = ReadVersion(connection);
        if (current == LatestVersion)
        {
            return current;
        }

        if (current > LatestVersion)
        {
            throw new StoreException(
                $"The store's catalog has schema version {current}, newer than this MlopsPS understands " +
                $"({LatestVersion}). Update the MlopsPS module.");
        }

        // The catalog file lives in the store's folder: code steps write files beside it.
        var storeRoot = Path.GetDirectoryName(Path.GetFullPath(connection.DataSource))!;
        using var transaction = connection.BeginTransaction(deferred: false);
        current = ReadVersion(connection);
        foreach (var migration in All.Where(m => m.Version > current))
        {
            using (var command = connection.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = migration.Sql;
                command.ExecuteNonQuery();
            }

            if (s_codeSteps.TryGetValue(migration.Version, out var step))
            {
                step(connection, storeRoot);
            }

            using var version = connection.CreateCommand();
            version.Transaction = transaction;
            version.CommandText = $"PRAGMA user_version = {migration.Version.ToString(CultureInfo.InvariantCulture)};";
            version.ExecuteNonQuery();
        }

        transaction.Commit();
        return LatestVersion;
    }

    /// <summary>The catalog's schema version (0 for a new file).</summary>
    public static int ReadVersion(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(CatalogMigrations).Assembly;
        const string prefix = "MlopsPS.Core.Store.Migrations.";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            // The csproj names each resource after its file, e.g. MlopsPS.Core.Store.Migrations.0001_tables.sql.
            var fileName = resource[prefix.Length..];
            var separator = fileName.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(fileName[..separator], NumberStyles.None, CultureInfo.InvariantCulture);
            var name = Path.GetFileNameWithoutExtension(fileName[(separator + 1)..]);
            migrations.Add(new Migration(version, name, ReadResource(assembly, resource)));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Catalog migrations must be numbered 1, 2, 3, ...; found {migrations[i].Version} at position {i + 1}.");
            }
        }

        return migrations;
    }

    private static string ReadResource(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
