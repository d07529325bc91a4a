using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Points an alias (such as champion) at a model version, moving it if it pointed elsewhere.</summary>
[Cmdlet(VerbsCommon.Set, "ModelAlias", SupportsShouldProcess = true)]
[OutputType(typeof(ModelVersion))]
public sealed class SetModelAliasCommand : MlopsCmdlet
{
    /// <summary>The registered model (binds a ModelVersion's ModelName).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>The alias.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string Alias { get; set; } = string.Empty;

    /// <summary>The version it points at (binds a ModelVersion's Version).</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int Version { get; set; }

    /// <summary>Writes the version the alias now points at.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        Try(ModelName, () =>
        {
            if (ShouldProcess($"model '{ModelName}'", $"Point alias '{Alias}' at version {Version}"))
            {
                var version = registry.SetAlias(ModelName, Alias, Version);
                if (PassThru)
                {
                    WriteRecord(version);
                }
            }
        });
    }
}
