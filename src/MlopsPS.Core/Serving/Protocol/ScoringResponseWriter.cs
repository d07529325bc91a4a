using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace MlopsPS.Core.Serving.Protocol;

/// <summary>
/// Writes the scoring host's answers as UTF-8 JSON: <c>{"predictions": [...], "prediction_ids": [...]}</c> (plus
/// <c>"probabilities"</c> when asked), the original platform's wrapped form, and MLflow's error body.
/// </summary>
/// <remarks>
/// Prediction ids are UUIDs: one random UUID per request, and row <c>i</c> gets that UUID with <c>i</c> added to its
/// last 32 bits. They are unique per prediction without a random draw per row, and the first row's id is the
/// request's id (the wrapped form's <c>uuid</c>).
/// </remarks>
public static class ScoringResponseWriter
{
    private const int UuidLength = 36;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes the predictions for <paramref name="probabilities"/> (P(second class label) per row).</summary>
    public static void WritePredictions(
        IBufferWriter<byte> output,
        ScoringSchema schema,
        ReadOnlySpan<float> probabilities,
        bool includeProbabilities,
        bool wrapped,
        Guid requestId)
    {
        var json = Writer(output);
        Span<byte> id = stackalloc byte[UuidLength];
        requestId.TryFormat(id, out _, "D");
        Utf8Parser.TryParse(id[(UuidLength - 8)..], out uint idBase, out _, 'x');

        json.WriteStartObject();
        if (wrapped)
        {
            json.WriteBoolean("success"u8, true);
            json.WriteStartObject("response"u8);
            json.WriteStartObject("prediction"u8);
        }

        json.WritePropertyName("predictions"u8);
        json.WriteStartArray();
        var threshold = schema.Threshold;
        var negative = schema.LabelJson[0];
        var positive = schema.LabelJson[1];
        foreach (var p in probabilities)
        {
            json.WriteRawValue(p >= threshold ? positive : negative, skipInputValidation: true);
        }

        json.WriteEndArray();
        json.WritePropertyName("prediction_ids"u8);
        json.WriteStartArray();
        for (var i = 0; i < probabilities.Length; i++)
        {
            Utf8Formatter.TryFormat(unchecked(idBase + (uint)i), id[(UuidLength - 8)..], out _, new StandardFormat('x', 8));
            json.WriteStringValue(id);
        }

        json.WriteEndArray();
        if (includeProbabilities)
        {
            json.WritePropertyName("probabilities"u8);
            json.WriteStartArray();
            foreach (var p in probabilities)
            {
                json.WriteNumberValue(p);
            }

            json.WriteEndArray();
        }

        if (wrapped)
        {
            json.WriteEndObject();
            Utf8Formatter.TryFormat(idBase, id[(UuidLength - 8)..], out _, new StandardFormat('x', 8));
            json.WriteString("uuid"u8, id);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.Flush();
    }

    /// <summary>Writes MLflow's error body <c>{"error_code": ..., "message": ...}</c>.</summary>
    public static void WriteError(IBufferWriter<byte> output, string errorCode, string message)
    {
        var json = Writer(output);
        json.WriteStartObject();
        json.WriteString("error_code"u8, errorCode);
        json.WriteString("message"u8, message);
        json.WriteEndObject();
        json.Flush();
    }

    private static Utf8JsonWriter Writer(IBufferWriter<byte> output)
    {
        var writer = t_writer;
        if (writer is null)
        {
            writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            t_writer = writer;
        }
        else
        {
            writer.Reset(output);
        }

        return writer;
    }
}
