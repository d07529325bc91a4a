using System.Globalization;
using System.Text;
using System.Text.Json;
using MlopsPS.Core.Monitoring;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>The prediction log's float formatting: every value reads back exactly, short decimals stay short.</summary>
public sealed class JsonFloatTests
{
    [Theory]
    [InlineData(35.5f, "35.5")]
    [InlineData(200.5f, "200.5")]
    [InlineData(0f, "0")]
    [InlineData(-12f, "-12")]
    [InlineData(0.05f, "0.05")]
    [InlineData(-0.125f, "-0.125")]
    [InlineData(0.1f, "0.1")]
    [InlineData(123456.7f, "123456.7")]
    [InlineData(1e-7f, "1E-07")]
    [InlineData(3.4028235e38f, "3.4028235E+38")]
    public void ShortDecimals_AreWrittenAsSuch_TheRestInTheirShortestRoundTripForm(float value, string expected)
    {
        Assert.Equal(expected, Format(value));
    }

    [Fact]
    public void EveryValue_ReadsBackAsTheSameFloat_AsAFloatAndThroughADouble()
    {
        var random = new Random(20240611);
        var buffer = new byte[64];
        for (var i = 0; i < 500_000; i++)
        {
            // Half arbitrary bit patterns (every magnitude), half short decimals as inputs usually are.
            var value = i % 2 == 0
                ? BitConverter.Int32BitsToSingle(random.Next(int.MinValue, int.MaxValue))
                : (float)Math.Round((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(0, 9)), random.Next(0, 7));
            if (!float.IsFinite(value))
            {
                continue;
            }

            var length = JsonFloat.Write(value, buffer);
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            Assert.True(float.Parse(text, CultureInfo.InvariantCulture) == value, $"{text} is not {value:R}");
            var reader = new Utf8JsonReader(buffer.AsSpan(0, length));
            Assert.True(reader.Read() && reader.TokenType == JsonTokenType.Number, $"{text} is not a JSON number");
            Assert.True((float)reader.GetDouble() == value, $"{text} read as a double is not {value:R}");
        }
    }

    private static string Format(float value)
    {
        var buffer = new byte[64];
        return Encoding.UTF8.GetString(buffer, 0, JsonFloat.Write(value, buffer));
    }
}
