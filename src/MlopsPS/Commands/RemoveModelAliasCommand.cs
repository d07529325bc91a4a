using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Removes an alias from a registered model.</summary>
[Cmdlet(VerbsCommon.Remove, "ModelAlias", SupportsShouldProcess = true)]
[OutputType(typeof(ModelVersion))]
public sealed class RemoveModelAliasCommand : MlopsCmdlet
{
    /// <summary>The registered model.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>The aliases to remove.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Aliases")]
    [ValidateNotNullOrEmpty]
    public string[] Alias { get; set; } = [];

    /// <summary>Writes the version each alias pointed at, without the alias.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        foreach (var alias in Alias)
        {
            Try($"{ModelName}@{alias}", () =>
            {
                var version = registry.GetVersionByAlias(ModelName, alias);
                if (ShouldProcess($"model '{ModelName}'", $"Remove alias '{alias}' (version {version.Version})"))
                {
                    registry.RemoveAlias(ModelName, alias);
                    if (PassThru)
                    {
                        WriteRecord(registry.GetVersion(ModelName, version.Version));
                    }
                }
            });
        }
    }
}
