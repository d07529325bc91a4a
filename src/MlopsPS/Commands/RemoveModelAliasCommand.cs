using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Removes an alias from a registered model; the version it pointed at stays.</summary>
[Cmdlet(VerbsCommon.Remove, "ModelAlias", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveModelAliasCommand : MlopsCmdlet
{
    /// <summary>The registered model.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>The alias to remove.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    public string[] Alias { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        foreach (var alias in Alias)
        {
            if (ShouldProcess($"model '{ModelName}'", $"Remove alias '{alias}'"))
            {
                Try(alias, () =>
                {
                    if (!registry.RemoveAlias(ModelName, alias))
                    {
                        WriteEngineError(new ModelAliasNotFoundException(ModelName, alias), alias);
                    }
                });
            }
        }
    }
}
