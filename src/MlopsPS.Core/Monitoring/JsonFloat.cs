using System.Buffers.Text;
using System.Globalization;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Writes a 32-bit float as a JSON number that reads back as the same float, in as few decimals as it takes: the
/// prediction log writes four or more of these per prediction, on the core the requests use.
/// </summary>
/// <remarks>
/// Scoring inputs are usually short decimals (35.5, 0.125, 200): for those, the smallest number of decimals d (up to
/// 6) with round(v x 10^d) / 10^d reading back as v gives the digits directly, about three times faster than the
/// general shortest round-trip formatting, which the rest (very large or small magnitudes, long fractions) still use.
/// Either way the text parses (as a float, or as a double and then narrowed) to exactly the value given.
/// </remarks>
internal static class JsonFloat
{
    private const int MaxDecimals = 6;

    private static readonly double[] s_powers = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000];

    /// <summary>Writes <paramref name="value"/> (finite) into <paramref name="destination"/> (at least 32 bytes).</summary>
    public static int Write(float value, Span<byte> destination)
    {
        double number = value;
        if (Math.Abs(number) < 1e9)
        {
            for (var decimals = 0; decimals <= MaxDecimals; decimals++)
            {
                var scale = s_powers[decimals];
                var scaled = Math.Round(number * scale);
                if ((float)(scaled / scale) == value)
                {
                    return WriteDecimal((long)scaled, decimals, destination);
                }
            }
        }

        value.TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
        return written;
    }

    // 'digits' with a decimal point 'decimals' places from the right: 3551, 1 -> 355.1; 5, 2 -> 0.05; -12, 0 -> -12.
    private static int WriteDecimal(long digits, int decimals, Span<byte> destination)
    {
        var length = 0;
        if (digits < 0)
        {
            destination[length++] = (byte)'-';
            digits = -digits;
        }

        Span<byte> text = stackalloc byte[20];
        Utf8Formatter.TryFormat(digits, text, out var count);
        if (decimals == 0)
        {
            text[..count].CopyTo(destination[length..]);
            return length + count;
        }

        if (count <= decimals)
        {
            // 0.00d...: leading zeros after the point.
            destination[length++] = (byte)'0';
            destination[length++] = (byte)'.';
            for (var i = count; i < decimals; i++)
            {
                destination[length++] = (byte)'0';
            }

            text[..count].CopyTo(destination[length..]);
            return length + count;
        }

        var whole = count - decimals;
        text[..whole].CopyTo(destination[length..]);
        length += whole;
        destination[length++] = (byte)'.';
        text[whole..count].CopyTo(destination[length..]);
        return length + decimals;
    }
}
