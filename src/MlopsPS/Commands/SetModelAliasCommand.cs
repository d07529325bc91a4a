using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Points an alias such as <c>champion</c> at a model version, moving it if it pointed elsewhere.</summary>
[Cmdlet(VerbsCommon.Set, "ModelAlias", SupportsShouldProcess = true)]
[OutputType(typeof(ModelVersion))]
public sealed class SetModelAliasCommand : MlopsCmdlet
{
    /// <summary>The registered model.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>The alias: letters, digits, _ and -.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    public string Alias { get; set; } = string.Empty;

    /// <summary>The version to point at.</summary>
    [Parameter(Mandatory = true, Position = 2, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, int.MaxValue)]
    public int Version { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (ShouldProcess($"model '{ModelName}'", $"Point alias '{Alias}' at version {Version}"))
        {
            var registry = new ModelRegistry(OpenStore());
            Try(ModelName, () => WriteRecord(registry.SetAlias(ModelName, Alias, Version)));
        }
    }
}
