using System.Buffers;
using System.Text.Json;

namespace MlopsPS.Core.Serving.Protocol;

/// <summary>
/// Writes the scoring host's answers as UTF-8 JSON: <c>{"predictions": [...], "prediction_ids": [...]}</c> (plus
/// <c>"probabilities"</c> and <c>"contributions"</c> when asked), the original platform's wrapped form, and MLflow's
/// error body.
/// </summary>
/// <remarks>
/// Prediction ids are made by <see cref="PredictionIds"/> from one UUID per request; the first row's id is the
/// request's id (the wrapped form's <c>uuid</c>).
/// </remarks>
public static class ScoringResponseWriter
{
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes the predictions for <paramref name="probabilities"/> (P(second class label) per row).</summary>
    /// <param name="contributions">
    /// Empty, or SHAP contributions row-major, rows x (features + 1) with the bias last: written as
    /// <c>"contributions": [{"feature": value, ..., "bias": value}, ...]</c>, one object per row.
    /// </param>
    public static void WritePredictions(
        IBufferWriter<byte> output,
        ScoringSchema schema,
        ReadOnlySpan<float> probabilities,
        bool includeProbabilities,
        bool wrapped,
        Guid requestId,
        ReadOnlySpan<float> contributions = default)
    {
        var json = Writer(output);
        Span<byte> id = stackalloc byte[PredictionIds.Length];
        var idBase = PredictionIds.Prepare(requestId, id);

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
            PredictionIds.SetRow(id, idBase, i);
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

        if (!contributions.IsEmpty)
        {
            WriteContributions(json, schema, contributions, probabilities.Length);
        }

        if (wrapped)
        {
            json.WriteEndObject();
            PredictionIds.SetRow(id, idBase, 0);
            json.WriteString("uuid"u8, id);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.Flush();
    }

    private static void WriteContributions(Utf8JsonWriter json, ScoringSchema schema, ReadOnlySpan<float> contributions, int rows)
    {
        var names = schema.ContributionNames;
        if (contributions.Length != rows * names.Length)
        {
            throw new ArgumentException($"{contributions.Length} contributions do not fill {rows} rows of {names.Length} values.", nameof(contributions));
        }

        json.WritePropertyName("contributions"u8);
        json.WriteStartArray();
        for (var r = 0; r < rows; r++)
        {
            json.WriteStartObject();
            var row = contributions.Slice(r * names.Length, names.Length);
            for (var c = 0; c < names.Length; c++)
            {
                json.WriteNumber(names[c], row[c]);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
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
