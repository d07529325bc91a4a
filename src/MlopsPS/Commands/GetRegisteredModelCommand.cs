using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists registered models with their latest version and aliases.</summary>
[Cmdlet(VerbsCommon.Get, "RegisteredModel")]
[OutputType(typeof(RegisteredModel))]
public sealed class GetRegisteredModelCommand : MlopsCmdlet
{
    /// <summary>Model names; wildcards allowed. All models when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ModelName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        foreach (var name in ServingCmdletSupport.Expand(Name, registry.ListModelNames))
        {
            Try(name, () => WriteRecord(registry.GetModel(name)));
        }
    }
}
