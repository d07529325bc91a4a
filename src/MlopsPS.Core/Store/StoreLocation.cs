using System.Globalization;
using Npgsql;

namespace MlopsPS.Core.Store;

/// <summary>
/// Where a store is: a folder (SQLite catalog inside it), or a <c>postgresql://user[:password]@host[:port]/database
/// ?warehouse=/path</c> location whose catalog is a PostgreSQL database and whose data files, artifacts and logs live
/// under the warehouse folder. <see cref="Display"/> is the location without its password: it is what output
/// objects, messages and <c>Get-MlopsStore</c> show.
/// </summary>
public sealed class StoreLocation
{
    private StoreLocation(StoreBackend backend, string root, string display, string? connectionString, string? host, int port)
    {
        Backend = backend;
        Root = root;
        Display = display;
        ConnectionString = connectionString;
        Host = host;
        Port = port;
    }

    /// <summary>The catalog's database engine.</summary>
    public StoreBackend Backend { get; }

    /// <summary>The folder of data files, artifacts and logs: the store folder, or the warehouse.</summary>
    public string Root { get; }

    /// <summary>The location as it may be shown and passed on: the folder, or the URI without its password.</summary>
    public string Display { get; }

    /// <summary>Npgsql's connection string (PostgreSQL only).</summary>
    public string? ConnectionString { get; }

    /// <summary>The PostgreSQL server's host (PostgreSQL only).</summary>
    public string? Host { get; }

    /// <summary>The PostgreSQL server's port (PostgreSQL only).</summary>
    public int Port { get; }

    /// <summary>Whether <paramref name="location"/> is a PostgreSQL URI rather than a folder.</summary>
    public static bool IsPostgreSqlUri(string location) =>
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A store folder; relative paths are taken from <paramref name="workingDirectory"/>.</summary>
    public static StoreLocation Folder(string path, string workingDirectory)
    {
        var root = Path.GetFullPath(path, workingDirectory);
        return new StoreLocation(StoreBackend.Sqlite, root, root, null, null, 0);
    }

    /// <summary>Parses a folder or a PostgreSQL URI; a relative folder or warehouse is taken from <paramref name="workingDirectory"/>.</summary>
    public static StoreLocation Parse(string location, string workingDirectory) =>
        IsPostgreSqlUri(location) ? PostgreSql(location, workingDirectory) : Folder(location, workingDirectory);

    private static StoreLocation PostgreSql(string location, string workingDirectory)
    {
        // Never echo the location itself in these messages: it may carry a password.
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw Invalid("it is not a URI of the form postgresql://user[:password]@host[:port]/database?warehouse=/path");
        }

        var userInfo = uri.UserInfo;
        var colon = userInfo.IndexOf(':', StringComparison.Ordinal);
        var user = Uri.UnescapeDataString(colon < 0 ? userInfo : userInfo[..colon]);
        var password = colon < 0 ? null : Uri.UnescapeDataString(userInfo[(colon + 1)..]);
        var host = uri.Host.Trim('[', ']');
        var port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port;
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (user.Length == 0 || database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw Invalid($"it must name a user and one database (postgresql://user@{host}:{port}/database?warehouse=/path)");
        }

        string? warehouse = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (!key.Equals("warehouse", StringComparison.Ordinal))
            {
                throw Invalid($"unknown parameter '{key}' (only warehouse=/path is understood)");
            }

            warehouse = value;
        }

        if (string.IsNullOrWhiteSpace(warehouse))
        {
            throw Invalid("it needs ?warehouse=/path: the folder, shared by every machine, that holds the data files, artifacts and logs");
        }

        var root = Path.GetFullPath(warehouse, workingDirectory);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = host,
            Port = port,
            Username = user,
            Database = database,
            ApplicationName = "MlopsPS",
            Timeout = 10,
            Pooling = true,
        };
        if (password is not null)
        {
            builder.Password = password;
        }

        var display = string.Create(
            CultureInfo.InvariantCulture,
            $"postgresql://{Uri.EscapeDataString(user)}@{uri.Host}:{port}/{Uri.EscapeDataString(database)}?warehouse={root}");
        return new StoreLocation(StoreBackend.PostgreSql, root, display, builder.ConnectionString, host, port);
    }

    private static StoreException Invalid(string reason) =>
        new($"The store location starts with postgresql:// but {reason}.");
}
