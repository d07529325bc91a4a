namespace MlopsPS.Core.Store;

/// <summary>Resolves which store to use: parameter, then environment, then the working directory.</summary>
public static class StoreLocator
{
    /// <summary>The environment variable that names the store (a folder or a postgresql:// location).</summary>
    public const string EnvironmentVariable = "MLOPSPS_HOME";

    /// <summary>The folder name used in the working directory when nothing else is given.</summary>
    public const string DefaultFolderName = "mlops-store";

    /// <summary>
    /// Resolves the store location as text: a full folder path (relative paths are taken from
    /// <paramref name="workingDirectory"/>), or a postgresql:// location as given.
    /// </summary>
    public static (string Path, StoreSource Source) Resolve(string? storeParameter, string workingDirectory)
    {
        var (location, source) = Pick(storeParameter);
        return location is null
            ? (System.IO.Path.Combine(workingDirectory, DefaultFolderName), source)
            : (StoreLocation.IsPostgreSqlUri(location) ? location : System.IO.Path.GetFullPath(location, workingDirectory), source);
    }

    /// <summary>Resolves and parses the store location.</summary>
    public static (StoreLocation Location, StoreSource Source) ResolveLocation(string? storeParameter, string workingDirectory)
    {
        var (location, source) = Pick(storeParameter);
        return (StoreLocation.Parse(location ?? DefaultFolderName, workingDirectory), source);
    }

    private static (string? Location, StoreSource Source) Pick(string? storeParameter)
    {
        if (!string.IsNullOrWhiteSpace(storeParameter))
        {
            return (storeParameter, StoreSource.Parameter);
        }

        var fromEnvironment = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(fromEnvironment) ? (null, StoreSource.Default) : (fromEnvironment, StoreSource.Environment);
    }
}
