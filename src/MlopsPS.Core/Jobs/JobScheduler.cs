namespace MlopsPS.Core.Jobs;

/// <summary>
/// Fires cron jobs when a tick is due: the loop of the scheduler process (<c>MlopsPS.JobRunner.dll scheduler</c>).
/// A tick is due when it is at or before now and newer than the job's last fired tick (or than the moment its cron
/// schedule was set). All the ticks a job missed while no scheduler ran are coalesced into one run for the newest of
/// them, and the tick is recorded in the same transaction that queues the run, so a tick never runs twice. A tick
/// that falls while a run of the job is still queued is coalesced into that run: a job slower than its schedule
/// has at most one run waiting.
/// Time comes from a <see cref="TimeProvider"/>, so tests move the clock instead of waiting.
/// </summary>
public sealed class JobScheduler
{
    private readonly JobCatalog _catalog;
    private readonly Action<JobRun> _launch;
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;

    /// <summary>Creates a scheduler that hands each run it queues to <paramref name="launch"/> (which starts its runner).</summary>
    public JobScheduler(JobCatalog catalog, Action<JobRun> launch, TimeProvider? clock = null, Action<string>? log = null)
    {
        _catalog = catalog;
        _launch = launch;
        _clock = clock ?? TimeProvider.System;
        _log = log ?? (_ => { });
    }

    /// <summary>Queues (and launches) a run of every cron job with a due tick; returns those runs.</summary>
    public IReadOnlyList<JobRun> Tick()
    {
        var now = _clock.GetUtcNow();
        var fired = new List<JobRun>();
        foreach (var job in _catalog.ListCronJobs())
        {
            CronSchedule cron;
            try
            {
                cron = CronSchedule.Parse(job.Cron, CronSchedule.FindTimeZone(job.TimeZoneId));
            }
            catch (InvalidJobDefinitionException e)
            {
                _log($"job '{job.Name}': {e.Message}");
                continue;
            }

            if (cron.LatestTick(now) is not DateTimeOffset latest)
            {
                continue;
            }

            var baseline = DateTimeOffset.FromUnixTimeMilliseconds(job.LastTickMs ?? job.SinceMs ?? 0);
            if (latest <= baseline)
            {
                continue;
            }

            var (run, coalescedInto) = _catalog.EnqueueScheduled(job, latest, cron.NextTick(baseline));
            if (run is null)
            {
                if (coalescedInto is long waiting)
                {
                    _log($"job '{job.Name}': tick {latest:u} coalesced into run {waiting}, still queued");
                }

                continue;
            }

            _log($"job '{job.Name}': tick {latest:u} fired as run {run.RunId}");
            try
            {
                _launch(run);
            }
            catch (MlopsException e)
            {
                _catalog.FailQueued(run.RunId, $"The scheduler could not start a runner: {e.Message}");
                _log($"run {run.RunId}: {e.Message}");
            }

            fired.Add(run);
        }

        return fired;
    }

    /// <summary>How long to sleep before the next tick of any cron job is due, at most <paramref name="maximum"/>.</summary>
    public TimeSpan DelayBeforeNextTick(TimeSpan maximum)
    {
        var now = _clock.GetUtcNow();
        var delay = maximum;
        foreach (var job in _catalog.ListCronJobs())
        {
            try
            {
                if (CronSchedule.Parse(job.Cron, CronSchedule.FindTimeZone(job.TimeZoneId)).NextTick(now) is DateTimeOffset next && next - now < delay)
                {
                    delay = next - now;
                }
            }
            catch (InvalidJobDefinitionException)
            {
                // Reported by Tick.
            }
        }

        // Wake just after the tick, never spin.
        return delay + TimeSpan.FromMilliseconds(5) < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : delay + TimeSpan.FromMilliseconds(5);
    }

    /// <summary>
    /// Ticks until <paramref name="keepRunning"/> says stop (checked before every tick) or the token is cancelled,
    /// sleeping until the next due tick but at most <paramref name="maximumSleep"/> so that new jobs and stop
    /// requests are seen soon.
    /// </summary>
    public async Task RunAsync(Func<bool> keepRunning, TimeSpan maximumSleep, CancellationToken cancellationToken = default)
    {
        while (!cancellationToken.IsCancellationRequested && keepRunning())
        {
            Tick();
            await Task.Delay(DelayBeforeNextTick(maximumSleep), _clock, cancellationToken).ConfigureAwait(false);
        }
    }
}
