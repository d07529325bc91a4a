using Cronos;

namespace MlopsPS.Core.Jobs;

/// <summary>
/// A parsed cron expression in a time zone: five fields (minute hour day-of-month month day-of-week), six with a
/// leading seconds field (so a test can tick every few seconds), or a Cronos macro such as <c>@hourly</c>.
/// </summary>
public sealed class CronSchedule
{
    private readonly CronExpression _expression;

    private CronSchedule(string text, CronExpression expression, TimeZoneInfo zone)
    {
        Text = text;
        _expression = expression;
        TimeZone = zone;
    }

    /// <summary>The expression as written.</summary>
    public string Text { get; }

    /// <summary>The time zone its fields are read in.</summary>
    public TimeZoneInfo TimeZone { get; }

    /// <summary>Parses an expression, or throws <see cref="InvalidJobDefinitionException"/> saying why not.</summary>
    public static CronSchedule Parse(string text, TimeZoneInfo? zone = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new InvalidJobDefinitionException("A cron expression cannot be empty.");
        }

        var trimmed = text.Trim();
        var fields = trimmed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (!trimmed.StartsWith('@') && fields is not (5 or 6))
        {
            throw new InvalidJobDefinitionException(
                $"The cron expression '{trimmed}' has {fields} fields; it needs 5 (minute hour day month weekday) or 6 (second minute hour day month weekday).");
        }

        try
        {
            return new CronSchedule(trimmed, CronExpression.Parse(trimmed, format), zone ?? TimeZoneInfo.Local);
        }
        catch (CronFormatException e)
        {
            throw new InvalidJobDefinitionException($"The cron expression '{trimmed}' is not valid: {e.Message}", e);
        }
    }

    /// <summary>Finds a time zone by id, or throws saying which.</summary>
    public static TimeZoneInfo FindTimeZone(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return TimeZoneInfo.Local;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new InvalidJobDefinitionException($"The time zone '{id}' of a cron schedule is not known on this machine.", e);
        }
    }

    /// <summary>The first tick strictly after <paramref name="after"/>, or null if there is none.</summary>
    public DateTimeOffset? NextTick(DateTimeOffset after) => _expression.GetNextOccurrence(after, TimeZone, inclusive: false);

    /// <summary>The newest tick at or before <paramref name="now"/>, or null if there is none.</summary>
    public DateTimeOffset? LatestTick(DateTimeOffset now) => _expression.GetPreviousOccurrence(now, TimeZone, inclusive: true);
}
