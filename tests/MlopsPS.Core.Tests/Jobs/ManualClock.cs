namespace MlopsPS.Core.Tests.Jobs;

/// <summary>A clock the test moves by hand, in UTC.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan span) => _now += span;

    public void Set(DateTimeOffset time) => _now = time;
}
