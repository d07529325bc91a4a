using System.Management.Automation;
using MlopsPS.Core.Jobs;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Stops queued or running runs: records them as stopped and kills the job's process tree. The chain stops there;
/// the runner records nothing more.
/// </summary>
[Cmdlet(VerbsLifecycle.Stop, "MlopsJobRun", SupportsShouldProcess = true)]
[OutputType(typeof(JobRun))]
public sealed class StopMlopsJobRunCommand : MlopsCmdlet
{
    /// <summary>The runs to stop.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateRange(1, long.MaxValue)]
    public long[] RunId { get; set; } = [];

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var control = new JobControl(OpenStore());
        foreach (var id in RunId)
        {
            if (!ShouldProcess($"job run {id}", "Stop the run and kill its process tree"))
            {
                continue;
            }

            Try(id, () =>
            {
                var (run, stopped) = control.Stop(id);
                if (!stopped)
                {
                    WriteWarning($"Run {id} of job '{run.JobName}' had already ended ({run.Status}).");
                }

                WriteRecord(run);
            });
        }
    }
}
