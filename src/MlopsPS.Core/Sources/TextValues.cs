using System.Globalization;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// How text becomes typed values, for CSV fields and for strings converted to a target schema. Always the invariant
/// culture (a file reads the same on a German machine); surrounding white space is ignored for everything but
/// strings.
/// <list type="bullet">
/// <item>Boolean: <c>true</c> or <c>false</c>, any case (PowerShell writes <c>True</c>); not 0/1, which are integers.</item>
/// <item>Int64 / Int32: an optional sign and decimal digits, no thousands separator.</item>
/// <item>Double / Float: also a decimal point, an exponent, <c>NaN</c>, <c>Infinity</c>, <c>-Infinity</c>.</item>
/// <item>Timestamp: ISO 8601 only: <c>yyyy-MM-dd</c>, or with a time <c>THH:mm</c>, <c>THH:mm:ss</c>, up to 7
/// fraction digits, <c>T</c> or a space between date and time, then <c>Z</c>, an offset (<c>+02:00</c>,
/// <c>+0200</c>) or nothing. Without an offset the time is taken as UTC; with one it is converted to UTC.</item>
/// </list>
/// </summary>
internal static class TextValues
{
    private static readonly string[] s_timestampFormats =
    [
        "yyyy-MM-dd",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd HH:mmK",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFK",
    ];

    public static bool TryParseBoolean(ReadOnlySpan<char> text, out bool value)
    {
        text = text.Trim();
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            value = true;
            return true;
        }

        value = false;
        return text.Equals("false", StringComparison.OrdinalIgnoreCase);
    }

    public static bool TryParseInt64(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public static bool TryParseInt32(ReadOnlySpan<char> text, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value);

    public static bool TryParseDouble(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryParseFloat(ReadOnlySpan<char> text, out float value) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTime value)
    {
        text = text.Trim();

        // Every accepted form starts with yyyy-MM-dd: rejecting other text here keeps type inference cheap on
        // numeric columns, which would otherwise try five formats per value.
        if (text.Length < 10 || text[4] != '-' || text[7] != '-')
        {
            value = default;
            return false;
        }

        return DateTime.TryParseExact(
            text,
            s_timestampFormats,
            CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal,
            out value);
    }

    /// <summary>
    /// Parses <paramref name="text"/> as the type of <paramref name="buffer"/>'s column and appends it; false (and
    /// nothing appended) when it does not parse. Strings are kept as they are, white space included.
    /// </summary>
    public static bool TryAppend(ColumnBuffer buffer, ReadOnlySpan<char> text, StringPool? strings = null)
    {
        switch (buffer.Spec.Type)
        {
            case ColumnType.String:
                buffer.Append(strings is null ? new string(text) : strings.Get(text));
                return true;
            case ColumnType.Int64 when TryParseInt64(text, out var l):
                buffer.Append(l);
                return true;
            case ColumnType.Double when TryParseDouble(text, out var d):
                buffer.Append(d);
                return true;
            case ColumnType.Boolean when TryParseBoolean(text, out var b):
                buffer.Append(b);
                return true;
            case ColumnType.Timestamp when TryParseTimestamp(text, out var t):
                buffer.Append(t);
                return true;
            case ColumnType.Int32 when TryParseInt32(text, out var i):
                buffer.Append(i);
                return true;
            case ColumnType.Float when TryParseFloat(text, out var f):
                buffer.Append(f);
                return true;
            default:
                return false;
        }
    }

    /// <summary>What a value should look like, for error messages.</summary>
    public static string Expectation(ColumnType type) => type switch
    {
        ColumnType.Boolean => "true or false",
        ColumnType.Int32 => "a whole number between -2147483648 and 2147483647",
        ColumnType.Int64 => "a whole number between -9223372036854775808 and 9223372036854775807",
        ColumnType.Float or ColumnType.Double => "a number such as 12, -3.5 or 1e-3 (invariant culture, '.' for decimals)",
        ColumnType.Timestamp => "an ISO 8601 date or time such as 2025-01-31, 2025-01-31T13:45:00Z or 2025-01-31 13:45:00+02:00",
        _ => "a string",
    };

    /// <summary>A value quoted for a message, shortened when long.</summary>
    public static string Quote(ReadOnlySpan<char> text) =>
        text.Length <= 80 ? $"'{text}'" : $"'{text[..77]}...' ({text.Length} characters)";
}
