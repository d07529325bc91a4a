using System.Management.Automation;

namespace MlopsPS.Infrastructure;

/// <summary>
/// Bridges the engine's <see cref="IProgress{T}"/> to <c>Write-Progress</c>. The engine reports synchronously on the
/// pipeline thread; reports from any other thread are dropped because a cmdlet may only write from its own thread.
/// Updates are throttled so a million-row loop does not spend its time drawing the bar.
/// </summary>
internal sealed class CmdletProgress<T> : IProgress<T>
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    private readonly Cmdlet _cmdlet;
    private readonly ProgressRecord _record;
    private readonly Func<T, (int Percent, string Status)> _describe;
    private readonly int _threadId = Environment.CurrentManagedThreadId;
    private DateTime _lastWrite = DateTime.MinValue;

    public CmdletProgress(Cmdlet cmdlet, int activityId, string activity, Func<T, (int Percent, string Status)> describe)
    {
        _cmdlet = cmdlet;
        _describe = describe;
        _record = new ProgressRecord(activityId, activity, "Starting");
    }

    public void Report(T value)
    {
        var now = DateTime.UtcNow;
        if (Environment.CurrentManagedThreadId != _threadId || now - _lastWrite < s_interval)
        {
            return;
        }

        _lastWrite = now;
        var (percent, status) = _describe(value);
        _record.PercentComplete = Math.Clamp(percent, 0, 100);
        _record.StatusDescription = status;
        _record.RecordType = ProgressRecordType.Processing;
        _cmdlet.WriteProgress(_record);
    }

    /// <summary>Writes the completion record so the bar disappears.</summary>
    public void Complete()
    {
        if (Environment.CurrentManagedThreadId != _threadId || _lastWrite == DateTime.MinValue)
        {
            return;
        }

        _record.RecordType = ProgressRecordType.Completed;
        _record.PercentComplete = 100;
        _cmdlet.WriteProgress(_record);
    }
}
