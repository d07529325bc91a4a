using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlopsPS.Core.Serving;

namespace MlopsPS.Completion;

/// <summary>Completes model endpoint names from the store's catalog.</summary>
public sealed class EndpointNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionSupport.Complete(wordToComplete, fakeBoundParameters, store => new EndpointManager(store).ListEndpointNames());
}
