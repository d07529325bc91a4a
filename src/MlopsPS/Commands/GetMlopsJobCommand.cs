using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;
using JobDefinition = MlopsPS.Core.Jobs.JobDefinition;

namespace MlopsPS.Commands;

/// <summary>Lists job definitions with their schedule, dependents, newest run and next cron tick.</summary>
[Cmdlet(VerbsCommon.Get, "MlopsJob")]
[OutputType(typeof(JobDefinition))]
public sealed class GetMlopsJobCommand : MlopsCmdlet
{
    /// <summary>Job names; wildcards allowed. All jobs when omitted.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName")]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    [SupportsWildcards]
    public string[]? Name { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new JobCatalog(OpenStore());
        WriteNamed(Name, pattern => catalog.List(pattern), catalog.Get);
    }
}
