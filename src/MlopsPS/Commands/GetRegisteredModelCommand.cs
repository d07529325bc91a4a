using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists registered models with their newest version and aliases.</summary>
[Cmdlet(VerbsCommon.Get, "RegisteredModel")]
[OutputType(typeof(RegisteredModel))]
public sealed class GetRegisteredModelCommand : MlopsCmdlet
{
    /// <summary>Model names or wildcard patterns; all when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("ModelName")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        WriteNamed(Name, pattern => registry.ListModels(pattern), registry.GetModel);
    }
}
