using System.Collections;
using System.Management.Automation;
using MlopsPS.Core.Store;

namespace MlopsPS.Completion;

/// <summary>
/// Shared work of the name completers: find the store the command would use (its <c>-Store</c> argument, then
/// $env:MLOPSPS_HOME, then ./mlops-store) without creating one, run one cheap name query, and turn the matches into
/// quoted completion results.
/// </summary>
internal static class CompletionSupport
{
    /// <summary>Names from <paramref name="query"/> that match what was typed so far, quoted where needed.</summary>
    public static IEnumerable<CompletionResult> Complete(string wordToComplete, IDictionary fakeBoundParameters, Func<MlopsStore, IEnumerable<string>> query)
    {
        var store = TryOpenStore(fakeBoundParameters);
        if (store is null)
        {
            return [];
        }

        var typed = (wordToComplete ?? string.Empty).Trim('\'', '"');
        var pattern = new WildcardPattern(typed + "*", WildcardOptions.IgnoreCase);
        try
        {
            return query(store)
                .Where(pattern.IsMatch)
                .Select(name => new CompletionResult(Quote(name), name, CompletionResultType.ParameterValue, name))
                .ToArray();
        }
        catch (Exception)
        {
            // Completion never throws at the user (and this assembly must not name the engine's Sqlite types: they
            // live in the engine's load context).
            return [];
        }
    }

    private static MlopsStore? TryOpenStore(IDictionary fakeBoundParameters)
    {
        var storeArgument = (fakeBoundParameters?["Store"] as string)?.Trim('\'', '"');
        var current = Path.IsPathFullyQualified(storeArgument ?? string.Empty) ? Environment.CurrentDirectory : CurrentFileSystemLocation();
        var (path, source) = StoreLocator.Resolve(storeArgument, current);
        if (!File.Exists(Path.Combine(path, "catalog.db")))
        {
            return null;
        }

        try
        {
            return MlopsStore.Open(path, source);
        }
        catch (StoreException)
        {
            return null;
        }
    }

    // A completer runs on the pipeline thread, where the session state is reached through a nested command, not
    // through Runspace.SessionStateProxy (which refuses while a pipeline runs).
    private static string CurrentFileSystemLocation()
    {
        try
        {
            using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
            shell.AddCommand("Microsoft.PowerShell.Management\\Get-Location").AddParameter("PSProvider", "FileSystem");
            return shell.Invoke<PathInfo>().FirstOrDefault()?.ProviderPath ?? Environment.CurrentDirectory;
        }
        catch (Exception)
        {
            return Environment.CurrentDirectory;
        }
    }

    private static string Quote(string name) =>
        name.Any(c => char.IsWhiteSpace(c) || "'\"`$(){}[];,&|@#<>".Contains(c)) ? "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'" : name;
}
