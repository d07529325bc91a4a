using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Reads a logged prediction's inputs back: the host writes them as one little-endian float32 per feature (NaN =
/// missing), named by the features of the prediction's source; rows logged before migration 0007 hold a JSON object.
/// </summary>
internal static class PredictionInputs
{
    /// <summary>The inputs by feature name in model order; null = a missing value.</summary>
    public static IReadOnlyDictionary<string, double?> Read(object stored, IReadOnlyList<string> features)
    {
        var inputs = new OrderedDictionary<string, double?>(StringComparer.Ordinal);
        switch (stored)
        {
            case byte[] floats:
                var count = Math.Min(features.Count, floats.Length / sizeof(float));
                for (var i = 0; i < count; i++)
                {
                    var value = BinaryPrimitives.ReadSingleLittleEndian(floats.AsSpan(i * sizeof(float)));
                    inputs[features[i]] = float.IsNaN(value) ? null : Widen(value);
                }

                break;
            case string json:
                using (var document = JsonDocument.Parse(json))
                {
                    foreach (var property in document.RootElement.EnumerateObject())
                    {
                        inputs[property.Name] = property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetDouble() : null;
                    }
                }

                break;
        }

        return inputs;
    }

    /// <summary>The feature names of a source, as <c>prediction_sources.features_json</c> holds them.</summary>
    public static string[] ParseFeatures(string featuresJson) => JsonSerializer.Deserialize<string[]>(featuresJson) ?? [];

    // The double a person would write for the float: 35.5f is 35.5 either way, but 0.1f widens to 0.100000001490116;
    // its shortest round-trip text, read as a double, is 0.1.
    private static double Widen(float value)
    {
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out var length, default, CultureInfo.InvariantCulture);
        return double.Parse(text[..length], NumberStyles.Float, CultureInfo.InvariantCulture);
    }
}
