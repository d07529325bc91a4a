using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using MlopsPS.Core.Common;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// Executes a run and, when it succeeds, the runs of its dependent jobs, and theirs, until the chain ends: the work
/// of the detached runner process (<c>MlopsPS.JobRunner.dll run</c>). For each run it waits its turn (a job runs
/// once at a time: a run triggered while another run of the job is running waits in the queue, first come first
/// served), starts the job's process with its output appended to the run's log, kills the process tree at the
/// job's timeout, and records the outcome. Dependents of one job run side by side, each in its own thread.
/// </summary>
public sealed class JobRunner
{
    private readonly JobCatalog _catalog;
    private readonly IJobCommandFactory _commands;
    private readonly Action<string> _log;
    private readonly TimeSpan _poll;
    private readonly RunnerLease _lease;
    private readonly ProcessIdentity _self;

    /// <summary>
    /// Creates a runner that makes each run's process with <paramref name="commands"/>; <paramref name="lease"/> is who
    /// it is to the catalog and how long its lease holds (this process with the default lease when not given).
    /// </summary>
    public JobRunner(JobCatalog catalog, IJobCommandFactory commands, Action<string>? log = null, TimeSpan? pollInterval = null, RunnerLease? lease = null)
    {
        _catalog = catalog;
        _commands = commands;
        _log = log ?? (_ => { });
        _poll = pollInterval ?? TimeSpan.FromMilliseconds(200);
        _lease = lease ?? RunnerLease.ForThisProcess();
        _self = _lease.Process;
    }

    /// <summary>Who this runner is to the catalog.</summary>
    public RunnerLease Lease => _lease;

    /// <summary>
    /// Renews the lease of this runner's runs every <see cref="RunnerLease.RenewInterval"/> until disposed (a runner
    /// process holds one for its life). A renewal that fails (the store unreachable a moment) is logged and retried at
    /// the next tick; if none succeeds before the lease expires, another process fails the runs.
    /// </summary>
    public IDisposable RenewLeaseInBackground() => new Timer(
        _ =>
        {
            try
            {
                _catalog.RenewLease(_lease);
            }
            catch (Exception e) when (e is MlopsException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                _log($"lease renewal failed: {e.Message}");
            }
        },
        null,
        _lease.RenewInterval,
        _lease.RenewInterval);

    /// <summary>
    /// Runs <paramref name="runId"/> (queued) and the chain below it; returns the runs it executed as they ended,
    /// in run order. Returns at once, running nothing, when the run is no longer queued.
    /// </summary>
    public IReadOnlyList<JobRun> RunChain(long runId, CancellationToken cancellationToken = default)
    {
        var ended = new List<JobRun>();
        using (RenewLeaseInBackground())
        {
            RunTree(runId, ended, cancellationToken);
        }

        return ended.OrderBy(r => r.RunId).ToArray();
    }

    private void RunTree(long runId, List<JobRun> ended, CancellationToken cancellationToken)
    {
        var (run, dependents) = RunOne(runId, cancellationToken);
        lock (ended)
        {
            ended.Add(run);
        }

        if (dependents.Count == 1)
        {
            RunTree(dependents[0], ended, cancellationToken);
        }
        else if (dependents.Count > 1)
        {
            var branches = dependents
                .Select(id => Task.Factory.StartNew(() => RunTree(id, ended, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default))
                .ToArray();
            Task.WaitAll(branches, cancellationToken);
        }
    }

    private (JobRun Run, IReadOnlyList<long> Dependents) RunOne(long runId, CancellationToken cancellationToken)
    {
        var claim = WaitForTurn(runId, cancellationToken);
        if (claim.Outcome != ClaimOutcome.Claimed)
        {
            _log($"run {runId}: not run, {claim.Reason}");
            return (claim.Run, []);
        }

        var run = claim.Run;
        var job = claim.Job!;
        var logPath = run.LogPath;
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        AppendLog(logPath, $"run {run.RunId} of job '{job.Name}' ({run.Trigger}) starting; runner {_lease.RunnerId} (pid {_self.ProcessId} on {_self.Host})");
        _log($"run {run.RunId} of job '{job.Name}': starting");

        Process process;
        try
        {
            process = Start(run, job, logPath);
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException or MlopsException)
        {
            var error = $"The job's process could not start: {e.Message}";
            AppendLog(logPath, error);
            return Record(run, JobRunStatus.Failed, null, error, logPath);
        }

        using (process)
        {
            var identity = ProcessIdentity.Of(process.Id) ?? new ProcessIdentity(Environment.MachineName, process.Id, 0);
            if (!_catalog.RecordProcess(run.RunId, identity))
            {
                // Stopped between the claim and the start: nothing may run.
                ProcessTree.Kill(process);
            }

            var exited = job.Timeout is TimeSpan timeout ? process.WaitForExit(timeout) : WaitForever(process);
            if (!exited)
            {
                ProcessTree.Kill(process);
                process.WaitForExit(10_000);
                var error = $"The run exceeded its timeout of {Describe(job.Timeout!.Value)}; its process tree was killed.";
                AppendLog(logPath, error);
                return Record(run, JobRunStatus.TimedOut, null, error, logPath);
            }

            process.WaitForExit();
            var exitCode = process.ExitCode;
            return exitCode == 0
                ? Record(run, JobRunStatus.Succeeded, 0, null, logPath)
                : Record(run, JobRunStatus.Failed, exitCode, $"The script failed with exit code {exitCode}; its log has the output.", logPath);
        }
    }

    private ClaimResult WaitForTurn(long runId, CancellationToken cancellationToken)
    {
        string? waitingFor = null;
        for (var attempt = 0; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // While another run is ahead, only read; try the claim (a write, which also reconciles dead runners and
            // sees a stop) when the way looks clear, and every tenth poll regardless.
            if (attempt > 0 && attempt % 10 != 0 && _catalog.RunAhead(runId) is not null)
            {
                cancellationToken.WaitHandle.WaitOne(_poll);
                continue;
            }

            var claim = _catalog.TryClaim(runId, _lease);
            if (claim.Outcome != ClaimOutcome.Busy)
            {
                return claim;
            }

            if (claim.Reason != waitingFor)
            {
                waitingFor = claim.Reason;
                _log($"run {runId}: queued, {waitingFor}");
            }

            cancellationToken.WaitHandle.WaitOne(_poll);
        }
    }

    private (JobRun Run, IReadOnlyList<long> Dependents) Record(JobRun run, JobRunStatus status, int? exitCode, string? error, string logPath)
    {
        var finish = _catalog.Finish(run.RunId, status, exitCode, error, _lease);
        var recorded = finish.Run;
        var duration = recorded.Duration is TimeSpan d ? Describe(d) : "?";
        AppendLog(logPath, finish.Recorded
            ? $"run {run.RunId} {JobText.Of(recorded.Status)}" + (exitCode is int code ? $" with exit code {code}" : string.Empty) + $" after {duration}"
            : $"run {run.RunId} was already {JobText.Of(recorded.Status)}: {recorded.Error}");
        _log($"run {run.RunId}: {JobText.Of(recorded.Status)}" + (finish.Dependents.Count > 0 ? $", queued runs {string.Join(", ", finish.Dependents)}" : string.Empty));
        return (recorded, finish.Dependents);
    }

    private Process Start(JobRun run, JobDefinition job, string logPath)
    {
        var command = _commands.Create(run, job, logPath);
        var workingDirectory = job.WorkingDirectory ?? _catalog.Store.Root;
        if (!Directory.Exists(workingDirectory))
        {
            throw new IOException($"The job's working folder '{workingDirectory}' does not exist.");
        }

        ProcessStartInfo start;
        if (OperatingSystem.IsWindows())
        {
            start = new ProcessStartInfo(command.FileName) { CreateNoWindow = true, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in command.Arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            // The job writes straight to its log (no pipe through the runner): $1 is the log, the rest the command.
            start = new ProcessStartInfo("/bin/sh");
            foreach (var argument in new[] { "-c", "log=$1; shift; exec \"$@\" </dev/null >>\"$log\" 2>&1", "mlopsps-job", logPath, command.FileName })
            {
                start.ArgumentList.Add(argument);
            }

            foreach (var argument in command.Arguments)
            {
                start.ArgumentList.Add(argument);
            }
        }

        start.UseShellExecute = false;
        start.WorkingDirectory = workingDirectory;
        foreach (var (name, value) in job.Environment)
        {
            start.Environment[name] = value;
        }

        foreach (var (name, value) in command.Environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.Environment["MLOPSPS_HOME"] = _catalog.Store.Location.Display;
        start.Environment["MLOPSPS_JOB_NAME"] = job.Name;
        start.Environment["MLOPSPS_JOB_RUN_ID"] = run.RunId.ToString(CultureInfo.InvariantCulture);
        start.Environment["MLOPSPS_JOB_CHAIN_ID"] = run.ChainId.ToString(CultureInfo.InvariantCulture);

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Starting '{command.FileName}' returned no process.");
        if (OperatingSystem.IsWindows())
        {
            CopyToLog(process, logPath);
        }

        return process;
    }

    private static void CopyToLog(Process process, string logPath)
    {
        var writer = new StreamWriter(new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        var gate = new object();
        void Write(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (gate)
                {
                    writer.WriteLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Write;
        process.ErrorDataReceived += Write;
        process.Exited += (_, _) =>
        {
            lock (gate)
            {
                writer.Dispose();
            }
        };
        process.EnableRaisingEvents = true;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private static bool WaitForever(Process process)
    {
        process.WaitForExit();
        return true;
    }

    private static void AppendLog(string logPath, string line)
    {
        try
        {
            File.AppendAllText(logPath, $"[MlopsPS {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)}] {line}{Environment.NewLine}");
        }
        catch (IOException)
        {
            // The log is for people; a full disk must not lose the run's outcome in the catalog.
        }
    }

    internal static string Describe(TimeSpan span) => span.TotalSeconds < 60
        ? span.TotalSeconds.ToString("0.0#", CultureInfo.InvariantCulture) + " s"
        : span.ToString(span.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture);
}
