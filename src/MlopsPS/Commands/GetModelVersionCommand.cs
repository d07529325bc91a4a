using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists a registered model's versions, or finds one by number, alias or model URI.</summary>
[Cmdlet(VerbsCommon.Get, "ModelVersion", DefaultParameterSetName = ByNameSet)]
[OutputType(typeof(ModelVersion))]
public sealed class GetModelVersionCommand : MlopsCmdlet
{
    private const string ByNameSet = "ByName";
    private const string ByAliasSet = "ByAlias";
    private const string ByUriSet = "ByUri";

    /// <summary>The registered model.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByNameSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByAliasSet, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>One version number; every version, newest first, when omitted.</summary>
    [Parameter(Position = 1, ParameterSetName = ByNameSet)]
    [ValidateRange(1, int.MaxValue)]
    public int? Version { get; set; }

    /// <summary>The version an alias such as <c>champion</c> points at.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByAliasSet)]
    public string Alias { get; set; } = string.Empty;

    /// <summary>A model URI: <c>models:/name/3</c>, <c>models:/name@champion</c> or <c>models:/name/latest</c>.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUriSet)]
    public string Uri { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        Try(ModelName, () =>
        {
            switch (ParameterSetName)
            {
                case ByAliasSet:
                    WriteRecord(registry.GetVersionByAlias(ModelName, Alias));
                    break;
                case ByUriSet:
                    WriteRecord(registry.Resolve(Uri));
                    break;
                default:
                    if (Version is int version)
                    {
                        WriteRecord(registry.GetVersion(ModelName, version));
                    }
                    else
                    {
                        foreach (var each in registry.ListVersions(ModelName))
                        {
                            WriteRecord(each);
                        }
                    }

                    break;
            }
        });
    }
}
