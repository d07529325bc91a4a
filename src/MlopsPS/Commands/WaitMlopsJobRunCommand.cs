using System.Management.Automation;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Waits until runs end, or with -Chain until a run and every run it triggers have ended, showing progress; returns
/// them as they ended. A failed or timed-out run is also reported as an error.
/// </summary>
[Cmdlet(VerbsLifecycle.Wait, "MlopsJobRun")]
[OutputType(typeof(JobRun))]
public sealed class WaitMlopsJobRunCommand : MlopsCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The runs to wait for.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long[] RunId { get; set; } = [];

    /// <summary>Wait for the whole chain each run starts.</summary>
    [Parameter]
    public SwitchParameter Chain { get; set; }

    /// <summary>Stop waiting after this long (a number is seconds); the runs go on.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; }

    private TimeSpan? BoundTimeout => MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var control = new JobControl(OpenStore());
        foreach (var id in RunId)
        {
            Try(id, () =>
            {
                var activity = Chain ? $"Job chain of run {id}" : $"Job run {id}";
                var progress = new CmdletProgress<JobWaitProgress>(this, ProgressActivity.Jobs, activity, JobCmdletSupport.Describe);
                IReadOnlyList<JobRun> runs;
                try
                {
                    runs = Chain
                        ? control.WaitForChain(id, BoundTimeout, progress, _stopping.Token)
                        : [control.Wait(id, BoundTimeout, progress, _stopping.Token)];
                }
                finally
                {
                    progress.Complete();
                }

                foreach (var run in runs)
                {
                    WriteRecord(run);
                }

                foreach (var run in runs)
                {
                    if (JobCmdletSupport.Failure(run) is ErrorRecord error)
                    {
                        WriteError(error);
                    }
                }
            });
        }
    }

    /// <inheritdoc />
    protected override void StopProcessing() => _stopping.Cancel();
}
