using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>Lists the versions of a registered model, newest first, or gets one by number or alias.</summary>
[Cmdlet(VerbsCommon.Get, "ModelVersion", DefaultParameterSetName = ByNumber)]
[OutputType(typeof(ModelVersion))]
public sealed class GetModelVersionCommand : MlopsCmdlet
{
    private const string ByNumber = "Number";
    private const string ByAlias = "Alias";

    /// <summary>The registered model.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string ModelName { get; set; } = string.Empty;

    /// <summary>Only these versions.</summary>
    [Parameter(Position = 1, ParameterSetName = ByNumber)]
    [ValidateRange(1, int.MaxValue)]
    public int[]? Version { get; set; }

    /// <summary>The version an alias points at.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByAlias)]
    [ValidateNotNullOrEmpty]
    public string Alias { get; set; } = string.Empty;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var registry = new ModelRegistry(OpenStore());
        Try(ModelName, () =>
        {
            if (ParameterSetName == ByAlias)
            {
                WriteRecord(registry.GetVersionByAlias(ModelName, Alias));
            }
            else if (Version is null)
            {
                foreach (var version in registry.ListVersions(ModelName))
                {
                    WriteRecord(version);
                }
            }
            else
            {
                foreach (var number in Version)
                {
                    Try($"{ModelName}/{number}", () => WriteRecord(registry.GetVersion(ModelName, number)));
                }
            }
        });
    }
}
