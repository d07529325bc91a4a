using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Starts a run of a job in a detached runner process that also runs the jobs depending on it, one after the other,
/// while each succeeds. Returns the run at once (queued or running); with -Wait, shows progress until the whole chain
/// has ended and returns every run of it.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "MlopsJob", SupportsShouldProcess = true)]
[OutputType(typeof(JobRun))]
public sealed class StartMlopsJobCommand : MlopsCmdlet
{
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>The jobs to start.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("JobName")]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[] Name { get; set; } = [];

    /// <summary>
    /// Queue the run for the runner pool instead of starting a runner here: the next free
    /// <c>MlopsPS.JobRunner worker</c> on any machine sharing the store claims it.
    /// </summary>
    [Parameter]
    public SwitchParameter Pool { get; set; }

    /// <summary>Wait until the run and every run it triggers have ended, showing progress.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>With -Wait: stop waiting after this long (a number is seconds); the chain goes on.</summary>
    [Parameter]
    [SecondsToTimeSpan]
    public TimeSpan Timeout { get; set; }

    private TimeSpan? BoundTimeout => MyInvocation.BoundParameters.ContainsKey(nameof(Timeout)) ? Timeout : null;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var control = new JobControl(OpenStore(), JobCmdletSupport.Runtime(this));
        foreach (var name in Name)
        {
            if (!ShouldProcess($"job '{name}'", Wait ? "Start a run and wait for its chain" : "Start a run"))
            {
                continue;
            }

            Try(name, () =>
            {
                var run = Pool ? control.Catalog.EnqueueForPool(name) : control.Start(name);
                WriteVerbose($"Run {run.RunId} of job '{run.JobName}' is {run.Status} (runner pid {run.RunnerProcessId}); log: {run.LogPath}");
                if (!Wait)
                {
                    WriteRecord(run);
                    return;
                }

                var progress = new CmdletProgress<JobWaitProgress>(this, ProgressActivity.Jobs, $"Job chain of run {run.RunId} ('{run.JobName}')", JobCmdletSupport.Describe);
                IReadOnlyList<JobRun> chain;
                try
                {
                    chain = control.WaitForChain(run.RunId, BoundTimeout, progress, _stopping.Token);
                }
                finally
                {
                    progress.Complete();
                }

                foreach (var ended in chain)
                {
                    WriteRecord(ended);
                }

                foreach (var ended in chain)
                {
                    if (JobCmdletSupport.Failure(ended) is ErrorRecord error)
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
