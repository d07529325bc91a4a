using System.Globalization;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// How .NET values (from PowerShell objects, already unwrapped from <c>PSObject</c> by the cmdlet) become column
/// values, for <see cref="RowBatchBuilder"/>.
/// <list type="bullet">
/// <item>Inference: sbyte, byte, short, ushort, int, uint, long, ulong -> Int64; float, double, decimal, Half ->
/// Double (so are integers mixed with them); bool -> Boolean; DateTime, DateTimeOffset -> Timestamp; anything else,
/// strings included (a numeric string stays a string), or a mix of kinds -> String.</item>
/// <item>Conversion to a column type: integers to Int64/Int32 when in range, and floating-point values whose value
/// is whole (PowerShell arithmetic makes doubles: <c>4 / 2</c> is 2.0); any number to Double/Float; strings are
/// parsed as in <see cref="TextValues"/> (so <c>Import-Csv</c> output fits a typed table); DateTime: UTC as is, Local
/// converted to UTC, Unspecified taken as UTC (as a CSV time without offset); DateTimeOffset to its UTC instant; to
/// String: strings as they are, times in ISO 8601 (<c>O</c>), booleans as <c>true</c>/<c>false</c>, other values
/// formatted with the invariant culture.</item>
/// </list>
/// </summary>
internal static class ObjectValues
{
    /// <summary>The families of values type inference tells apart.</summary>
    public enum Kind
    {
        Integer,
        Floating,
        Boolean,
        Timestamp,
        Other,
    }

    public static Kind Classify(object value) => value switch
    {
        sbyte or byte or short or ushort or int or uint or long or ulong => Kind.Integer,
        float or double or decimal or Half => Kind.Floating,
        bool => Kind.Boolean,
        DateTime or DateTimeOffset => Kind.Timestamp,
        _ => Kind.Other,
    };

    /// <summary>The column type for the kinds seen in a column (none seen: a nullable String).</summary>
    public static ColumnType Infer(bool integer, bool floating, bool boolean, bool timestamp, bool other) =>
        (integer, floating, boolean, timestamp, other) switch
        {
            (true, false, false, false, false) => ColumnType.Int64,
            (_, true, false, false, false) => ColumnType.Double,
            (false, false, true, false, false) => ColumnType.Boolean,
            (false, false, false, true, false) => ColumnType.Timestamp,
            _ => ColumnType.String,
        };

    /// <summary>Converts <paramref name="value"/> (not null) to the buffer's column type and appends it; false when it cannot.</summary>
    public static bool TryAppend(ColumnBuffer buffer, object value)
    {
        switch (buffer.Spec.Type)
        {
            case ColumnType.String:
                buffer.Append(ToText(value));
                return true;
            case ColumnType.Int64 when TryInt64(value, out var l):
                buffer.Append(l);
                return true;
            case ColumnType.Int32 when TryInt64(value, out var l) && l is >= int.MinValue and <= int.MaxValue:
                buffer.Append((int)l);
                return true;
            case ColumnType.Double when TryDouble(value, out var d):
                buffer.Append(d);
                return true;
            case ColumnType.Float when TryDouble(value, out var d):
                buffer.Append((float)d);
                return true;
            case ColumnType.Boolean when value is bool b:
                buffer.Append(b);
                return true;
            case ColumnType.Boolean when value is string s && TextValues.TryParseBoolean(s, out var parsed):
                buffer.Append(parsed);
                return true;
            case ColumnType.Timestamp when TryTimestamp(value, out var t):
                buffer.Append(t);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A value as text, for String columns and error messages.</summary>
    public static string ToText(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        DateTime t => t.ToString("O", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static bool TryInt64(object value, out long result)
    {
        switch (value)
        {
            case long l:
                result = l;
                return true;
            case int i:
                result = i;
                return true;
            case short s:
                result = s;
                return true;
            case sbyte sb:
                result = sb;
                return true;
            case byte b:
                result = b;
                return true;
            case ushort us:
                result = us;
                return true;
            case uint ui:
                result = ui;
                return true;
            case ulong ul when ul <= long.MaxValue:
                result = (long)ul;
                return true;
            case double or float or Half when TryDouble(value, out var d) && Math.Floor(d) == d && d >= -9.2233720368547758E+18 && d < 9.2233720368547758E+18:
                result = (long)d;
                return true;
            case decimal m when decimal.Truncate(m) == m && m >= long.MinValue && m <= long.MaxValue:
                result = (long)m;
                return true;
            case string text:
                return TextValues.TryParseInt64(text, out result);
            default:
                result = 0;
                return false;
        }
    }

    private static bool TryDouble(object value, out double result)
    {
        switch (value)
        {
            case double d:
                result = d;
                return true;
            case float f:
                result = f;
                return true;
            case Half h:
                result = (double)h;
                return true;
            case decimal m:
                result = (double)m;
                return true;
            case string text:
                return TextValues.TryParseDouble(text, out result);
            default:
                if (Classify(value) == Kind.Integer && TryInt64(value, out var l))
                {
                    result = l;
                    return true;
                }

                if (value is ulong ul)
                {
                    result = ul;
                    return true;
                }

                result = 0;
                return false;
        }
    }

    private static bool TryTimestamp(object value, out DateTime result)
    {
        switch (value)
        {
            case DateTime t:
                result = t.Kind switch
                {
                    DateTimeKind.Utc => t,
                    DateTimeKind.Local => t.ToUniversalTime(),
                    _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
                };
                return true;
            case DateTimeOffset o:
                result = o.UtcDateTime;
                return true;
            case string text:
                return TextValues.TryParseTimestamp(text, out result);
            default:
                result = default;
                return false;
        }
    }
}
