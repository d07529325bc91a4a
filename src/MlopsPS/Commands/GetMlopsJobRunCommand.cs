using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// The job history, newest first: every run with its job, status, trigger, times, exit code, error and log. A run
/// whose runner process died is shown (and recorded) as failed.
/// </summary>
[Cmdlet(VerbsCommon.Get, "MlopsJobRun", DefaultParameterSetName = HistorySet)]
[OutputType(typeof(JobRun))]
public sealed class GetMlopsJobRunCommand : MlopsCmdlet
{
    private const string HistorySet = "History";
    private const string ByIdSet = "ById";

    /// <summary>Only runs of these jobs; wildcards allowed.</summary>
    [Parameter(Position = 0, ParameterSetName = HistorySet, ValueFromPipelineByPropertyName = true)]
    [Alias("Name", "JobName")]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    [SupportsWildcards]
    public string[]? Job { get; set; }

    /// <summary>Only runs in these states.</summary>
    [Parameter(ParameterSetName = HistorySet)]
    [ValidateSet("Queued", "Running", "Succeeded", "Failed", "TimedOut", "Stopped", IgnoreCase = true)]
    public string[]? Status { get; set; }

    /// <summary>Only runs queued at or after this time.</summary>
    [Parameter(ParameterSetName = HistorySet)]
    public DateTime? Since { get; set; }

    /// <summary>At most this many runs (the newest).</summary>
    [Parameter(ParameterSetName = HistorySet)]
    [ValidateRange(1, 1_000_000)]
    public int First { get; set; } = 1000;

    /// <summary>Runs by id.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long[] RunId { get; set; } = [];

    /// <summary>With -RunId: the run and every run its success triggered, in run order.</summary>
    [Parameter(ParameterSetName = ByIdSet)]
    public SwitchParameter Chain { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var catalog = new JobCatalog(OpenStore());
        if (ParameterSetName == ByIdSet)
        {
            foreach (var id in RunId)
            {
                Try(id, () =>
                {
                    foreach (var run in Chain ? catalog.GetChain(id) : [catalog.GetRun(id)])
                    {
                        WriteRecord(run);
                    }
                });
            }

            return;
        }

        Try(Job, () =>
        {
            var query = new JobRunQuery
            {
                Jobs = Job,
                Statuses = Status is null ? null : JobCmdletSupport.Statuses(Status),
                Since = Since,
                Limit = First,
            };
            foreach (var run in catalog.ListRuns(query))
            {
                WriteRecord(run);
            }
        });
    }
}
