namespace MlopsPS.Core.Store;

/// <summary>Resolves which store folder to use: parameter, then environment, then the working directory.</summary>
public static class StoreLocator
{
    /// <summary>The environment variable that names the store folder.</summary>
    public const string EnvironmentVariable = "MLOPSPS_HOME";

    /// <summary>The folder name used in the working directory when nothing else is given.</summary>
    public const string DefaultFolderName = "mlops-store";

    /// <summary>Resolves the store location. Relative paths are taken from <paramref name="workingDirectory"/>.</summary>
    public static (string Path, StoreSource Source) Resolve(string? storeParameter, string workingDirectory)
    {
        if (!string.IsNullOrWhiteSpace(storeParameter))
        {
            return (System.IO.Path.GetFullPath(storeParameter, workingDirectory), StoreSource.Parameter);
        }

        var fromEnvironment = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return (System.IO.Path.GetFullPath(fromEnvironment, workingDirectory), StoreSource.Environment);
        }

        return (System.IO.Path.Combine(workingDirectory, DefaultFolderName), StoreSource.Default);
    }
}
