using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Completion;

/// <summary>Completes table names from the store the command line names (or the default store).</summary>
public sealed class TableNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        return CompletionSupport.Complete(wordToComplete, fakeBoundParameters, store => new TableCatalog(store).ListTableNames());
    }
}
