namespace MlopsPS.Core.Common;

/// <summary>Milliseconds since the Unix epoch, the way MLflow stores times, to and from UTC DateTimes.</summary>
public static class UnixTime
{
    /// <summary>Now, in milliseconds.</summary>
    public static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A millisecond timestamp as a UTC DateTime.</summary>
    public static DateTime ToDateTime(long milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds).UtcDateTime;

    /// <summary>A DateTime (local or UTC) as milliseconds.</summary>
    public static long ToMs(DateTime time) => new DateTimeOffset(time.ToUniversalTime()).ToUnixTimeMilliseconds();
}
