using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Registers the model of a finished run as the next version of a registered model (created on first use).</summary>
[Cmdlet(VerbsLifecycle.Register, "ModelVersion", SupportsShouldProcess = true)]
[OutputType(typeof(ModelVersion))]
public sealed class RegisterModelVersionCommand : MlopsCmdlet
{
    /// <summary>The registered model.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>The finished run whose model to register (binds a Run from the pipeline).</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string RunId { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        Try(RunId, () =>
        {
            if (ShouldProcess($"model '{ModelName}'", $"Register the model of run {RunId} as a new version"))
            {
                WriteRecord(registry.RegisterRunModel(ModelName, RunId));
            }
        });
    }
}
