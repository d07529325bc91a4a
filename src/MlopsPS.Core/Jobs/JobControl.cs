using System.Diagnostics;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// What the cmdlets do with runs and the scheduler: start a run (a detached runner executes it and its chain), stop
/// one, wait for one or its whole chain, and start, stop and describe the cron scheduler. Definitions and the
/// history are on <see cref="Catalog"/>.
/// </summary>
public sealed class JobControl
{
    /// <summary>How long a start waits for the new runner (or scheduler) process to report in.</summary>
    public static readonly TimeSpan CheckInTimeout = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(100);

    private readonly JobRuntime? _runtime;

    /// <summary>Controls the jobs of <paramref name="store"/>; <paramref name="runtime"/> is needed to start runs and the scheduler.</summary>
    public JobControl(MlopsStore store, JobRuntime? runtime = null, TimeProvider? clock = null)
    {
        Catalog = new JobCatalog(store, clock);
        _runtime = runtime;
    }

    /// <summary>The definitions and the history.</summary>
    public JobCatalog Catalog { get; }

    /// <summary>The runners' log folder.</summary>
    public string RunnerLogsDirectory => Path.Combine(Catalog.LogsDirectory, "runners");

    /// <summary>
    /// Queues a manual run of <paramref name="jobName"/> and starts a detached runner for it (and its chain), then
    /// returns as soon as the runner has started the run, or has reported in and the run waits for an earlier run of
    /// the job (queued). The chain goes on when the calling process exits.
    /// </summary>
    public JobRun Start(string jobName)
    {
        var runtime = RequireRuntime();
        runtime.Validate();
        var run = Catalog.EnqueueManual(jobName);
        return Launch(run, runtime);
    }

    /// <summary>Starts the runner of a queued run and waits for it to take the run up (or fails the run saying why not).</summary>
    internal JobRun Launch(JobRun run, JobRuntime runtime)
    {
        var log = Path.Combine(RunnerLogsDirectory, $"runner-{run.RunId}.log");
        Process process;
        try
        {
            process = DetachedProcess.StartRunner(runtime, ["run", "--store", Catalog.Store.Location.Display, "--run", run.RunId.ToString(System.Globalization.CultureInfo.InvariantCulture), .. runtime.ToArguments()], log, Catalog.Store.Root);
        }
        catch (MlopsException e)
        {
            Catalog.FailQueued(run.RunId, e.Message);
            throw;
        }

        using (process)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < CheckInTimeout)
            {
                // Done when the runner has started the run, or has reported in and the run waits its turn.
                var current = Catalog.GetRun(run.RunId);
                if (current.Status != JobRunStatus.Queued || (current.RunnerProcessId is not null && Catalog.RunAhead(run.RunId) is not null))
                {
                    return current;
                }

                if (process.HasExited)
                {
                    var error = $"The job runner exited with code {process.ExitCode} before taking up the run. {DetachedDotnet.Tail(log)}".TrimEnd();
                    Catalog.FailQueued(run.RunId, error);
                    throw new JobRunnerException(error + $" (runner log: {log})");
                }

                Thread.Sleep(s_poll);
            }

            // A slow machine: the run stays queued and the runner will still take it up (or the run is failed
            // after JobCatalog.RunnerCheckInGrace).
            return Catalog.GetRun(run.RunId);
        }
    }

    /// <summary>Stops a queued or running run (killing its process tree); its chain stops there.</summary>
    public (JobRun Run, bool Stopped) Stop(long runId) =>
        Catalog.Stop(runId, $"Stopped by {Environment.UserName} with Stop-MlopsJobRun.");

    /// <summary>Waits until a run ends; throws <see cref="JobWaitTimeoutException"/> after <paramref name="timeout"/>.</summary>
    public JobRun Wait(long runId, TimeSpan? timeout = null, IProgress<JobWaitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WaitCore(runId, chain: false, timeout, progress, cancellationToken)[0];

    /// <summary>
    /// Waits until a run and every run its success triggers, directly or not, have ended; returns them in run order.
    /// A chain is complete when all its runs have ended, because a success queues its dependents in the same
    /// transaction that records it.
    /// </summary>
    public IReadOnlyList<JobRun> WaitForChain(long runId, TimeSpan? timeout = null, IProgress<JobWaitProgress>? progress = null, CancellationToken cancellationToken = default) =>
        WaitCore(runId, chain: true, timeout, progress, cancellationToken);

    private IReadOnlyList<JobRun> WaitCore(long runId, bool chain, TimeSpan? timeout, IProgress<JobWaitProgress>? progress, CancellationToken cancellationToken)
    {
        var first = Catalog.GetRun(runId);
        var expected = chain ? Catalog.ExpectedChainLength(first.JobName) : 1;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var runs = chain ? Catalog.GetChain(runId) : [Catalog.GetRun(runId)];
            var finished = runs.Count(r => r.IsFinished);
            if (finished == runs.Count)
            {
                progress?.Report(new JobWaitProgress(runs, finished, runs.Count, null));
                return runs;
            }

            // The chain's length as its jobs are defined now; a failure may end it sooner.
            progress?.Report(new JobWaitProgress(runs, finished, Math.Max(runs.Count, expected), runs.FirstOrDefault(r => !r.IsFinished)));

            if (timeout is TimeSpan limit && clock.Elapsed >= limit)
            {
                var pending = runs.Where(r => !r.IsFinished).Select(r => $"run {r.RunId} of '{r.JobName}' is {JobText.Of(r.Status)}");
                throw new JobWaitTimeoutException(
                    $"Waited {JobRunner.Describe(limit)} for {(chain ? "the chain of " : string.Empty)}run {runId}: {string.Join("; ", pending)}. It goes on; wait again with Wait-MlopsJobRun -RunId {runId}.");
            }

            cancellationToken.WaitHandle.WaitOne(s_poll);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Starts the cron scheduler as a detached process, unless one runs; returns its state and whether this call
    /// started it.
    /// </summary>
    public (SchedulerInfo Scheduler, bool Started) StartScheduler()
    {
        var current = Catalog.GetScheduler();
        if (current.Status != SchedulerStatus.Stopped)
        {
            return (current, false);
        }

        var runtime = RequireRuntime();
        var log = Path.Combine(Catalog.LogsDirectory, "scheduler.log");
        using var process = DetachedProcess.StartRunner(runtime, ["scheduler", "--store", Catalog.Store.Location.Display, .. runtime.ToArguments()], log, Catalog.Store.Root);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < CheckInTimeout)
        {
            current = Catalog.GetScheduler();
            if (current.Status == SchedulerStatus.Running && current.ProcessId == process.Id)
            {
                return (current, true);
            }

            if (process.HasExited)
            {
                current = Catalog.GetScheduler();
                if (current.Status == SchedulerStatus.Running)
                {
                    // Another scheduler won the race; this one saw it and left.
                    return (current, false);
                }

                throw new JobRunnerException(
                    $"The scheduler exited with code {process.ExitCode} at start. {DetachedDotnet.Tail(log)} (log: {log})");
            }

            Thread.Sleep(s_poll);
        }

        throw new JobRunnerException($"The scheduler did not report in within {CheckInTimeout.TotalSeconds:0} s (log: {log}).");
    }

    /// <summary>
    /// Asks the scheduler to stop and waits up to <paramref name="grace"/> for it to end, then kills it. Runs it
    /// started go on. Returns its state and whether one was running.
    /// </summary>
    public (SchedulerInfo Scheduler, bool Stopped) StopScheduler(TimeSpan grace)
    {
        var identity = Catalog.RequestSchedulerStop();
        if (identity is null)
        {
            return (Catalog.GetScheduler(), false);
        }

        var clock = Stopwatch.StartNew();
        while (!identity.HasEnded() && clock.Elapsed < grace)
        {
            Thread.Sleep(s_poll);
        }

        if (!identity.HasEnded())
        {
            ProcessTree.Kill(identity);
            Catalog.MarkSchedulerStopped(identity, $"Killed after it did not stop within {JobRunner.Describe(grace)}.");
        }

        return (Catalog.GetScheduler(), true);
    }

    private JobRuntime RequireRuntime() =>
        _runtime ?? throw new JobRunnerException("Starting runs needs the paths of the job runner, pwsh and the module (a JobRuntime).");
}

/// <summary>Where a wait stands: the runs so far, how many have ended of how many are expected, and one still going.</summary>
public sealed record JobWaitProgress(IReadOnlyList<JobRun> Runs, int Finished, int Expected, JobRun? Current);
