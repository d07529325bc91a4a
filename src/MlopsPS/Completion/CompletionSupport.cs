using System.Collections;
using System.Management.Automation;
using MlopsPS.Core.Store;

namespace MlopsPS.Completion;

/// <summary>
/// What every name completer shares: find the store from the command line, run one cheap lookup, match with a
/// wildcard and quote names that need it. A completer never throws: no store or no catalog means no suggestions.
/// </summary>
internal static class CompletionSupport
{
    public static IEnumerable<CompletionResult> Complete(
        string wordToComplete, IDictionary fakeBoundParameters, Func<MlopsStore, IEnumerable<string>> lookup)
    {
        var quote = wordToComplete.Length > 0 && wordToComplete[0] is '\'' or '"' ? wordToComplete[0].ToString() : string.Empty;
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        IEnumerable<string> names;
        try
        {
            var storeArgument = fakeBoundParameters["Store"] as string;
            var (location, _) = StoreLocator.ResolveLocation(storeArgument, CurrentLocation());

            // A folder without a catalog is not created by a completer; a PostgreSQL store is asked (an area not ported
            // to PostgreSQL refuses, and so completes nothing).
            if (location.Backend == StoreBackend.Sqlite && !File.Exists(Path.Combine(location.Root, "catalog.db")))
            {
                return [];
            }

            names = lookup(MlopsStore.Open(location)).ToArray();
        }
        catch (Exception)
        {
            return [];
        }

        return names
            .Where(pattern.IsMatch)
            .Order(StringComparer.OrdinalIgnoreCase)
            .Select(name =>
            {
                var needsQuotes = quote.Length > 0 || name.Any(c => char.IsWhiteSpace(c) || c is '\'' or '"' or '$' or '`' or '@' or '#' or '(' or ')' or '{' or '}' or ',' or ';');
                var text = needsQuotes ? "'" + name.Replace("'", "''", StringComparison.Ordinal) + "'" : name;
                return new CompletionResult(text, name, CompletionResultType.ParameterValue, name);
            });
    }

    private static string CurrentLocation()
    {
        // The session's location, which a completer is not handed. Runspace.SessionStateProxy refuses while the
        // completion pipeline runs ("A pipeline is already running"), so ask through a nested command on the
        // current runspace; the process directory is the fallback.
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
}
