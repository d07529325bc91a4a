using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using MlopsPS.Core.Sources;

namespace MlopsPS.Completion;

/// <summary>Completes the names of the synthetic datasets New-Batch can generate.</summary>
public sealed class DatasetNameCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(
        string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return SyntheticDatasets.All
            .Where(d => pattern.IsMatch(d.Name))
            .Select(d => new CompletionResult(d.Name, d.Name, CompletionResultType.ParameterValue, d.Description));
    }
}
