using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Registers a finished run's model as the next version of a registered model (MLflow's register_model).</summary>
[Cmdlet(VerbsLifecycle.Register, "Model", SupportsShouldProcess = true)]
[OutputType(typeof(ModelVersion))]
public sealed class RegisterModelCommand : MlopsCmdlet
{
    /// <summary>The run whose model to register.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidatePattern("^[0-9a-fA-F]{32}$")]
    public string[] RunId { get; set; } = [];

    /// <summary>The registered model to add a version to; created on first use.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        foreach (var id in RunId)
        {
            if (ShouldProcess($"run {id}", $"Register its model as a new version of '{ModelName}'"))
            {
                Try(id, () => WriteRecord(registry.RegisterRunModel(ModelName, id.ToLowerInvariant())));
            }
        }
    }
}
