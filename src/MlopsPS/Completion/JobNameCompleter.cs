using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlopsPS.Core.Jobs;

namespace MlopsPS.Completion;

/// <summary>Completes job names from the store the command line names (or the default store).</summary>
public sealed class JobNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(wordToComplete, fakeBoundParameters, store => new JobCatalog(store).ListNames());
}
