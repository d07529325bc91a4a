using System.Globalization;
using System.Text.Json;
using MlopsPS.Core.Common;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Writes prediction-log rows (migration 0006's <c>predictions</c> and <c>ground_truth</c>) straight into a store, for the
/// drift and report tests, until the scoring host's own tracking is on this branch: the rows are what the host is
/// specified to log, one per predicted row, inputs as <c>{"feature": value}</c>.
/// </summary>
internal static class PredictionLogWriter
{
    /// <summary>One logged prediction.</summary>
    public sealed record Entry(DateTime At, IReadOnlyDictionary<string, object?> Inputs, string Prediction, double Probability, long LatencyUs, string? TrueLabel = null);

    /// <summary>The inputs of every row of <paramref name="rows"/>, as the host logs them.</summary>
    public static IEnumerable<IReadOnlyDictionary<string, object?>> Inputs(ColumnBatch rows, IReadOnlyList<string> features)
    {
        for (var row = 0; row < rows.RowCount; row++)
        {
            var inputs = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var feature in features)
            {
                inputs[feature] = rows.Column(feature).GetValue(row);
            }

            yield return inputs;
        }
    }

    /// <summary>Inserts the entries for <paramref name="endpoint"/>; returns their prediction ids.</summary>
    public static IReadOnlyList<string> Insert(MlopsStore store, string endpoint, IEnumerable<Entry> entries, string model = "celltower", int version = 1, string deploymentId = "test-deployment")
    {
        var ids = new List<string>();
        using var connection = store.OpenConnection();
        using var transaction = connection.BeginTransaction();
        foreach (var entry in entries)
        {
            var id = Guid.NewGuid().ToString();
            using (var command = connection.CreateCommand())
            {
                command.CommandText = """
                    INSERT INTO predictions (prediction_id, endpoint_name, deployment_id, model_name, model_version, predicted_at, inputs_json, prediction, probability, latency_us)
                    VALUES ($id, $endpoint, $deployment, $model, $version, $at, $inputs, $prediction, $probability, $latency);
                    """;
                command.Parameters.AddWithValue("$id", id);
                command.Parameters.AddWithValue("$endpoint", endpoint);
                command.Parameters.AddWithValue("$deployment", deploymentId);
                command.Parameters.AddWithValue("$model", model);
                command.Parameters.AddWithValue("$version", version);
                command.Parameters.AddWithValue("$at", UnixTime.ToMs(entry.At));
                command.Parameters.AddWithValue("$inputs", JsonSerializer.Serialize(entry.Inputs));
                command.Parameters.AddWithValue("$prediction", entry.Prediction);
                command.Parameters.AddWithValue("$probability", entry.Probability);
                command.Parameters.AddWithValue("$latency", entry.LatencyUs);
                command.ExecuteNonQuery();
            }

            if (entry.TrueLabel is { } label)
            {
                using var truth = connection.CreateCommand();
                truth.CommandText = "INSERT INTO ground_truth (prediction_id, label, recorded_at) VALUES ($id, $label, $at);";
                truth.Parameters.AddWithValue("$id", id);
                truth.Parameters.AddWithValue("$label", label);
                truth.Parameters.AddWithValue("$at", UnixTime.ToMs(entry.At.AddMinutes(5)));
                truth.ExecuteNonQuery();
            }

            ids.Add(id);
        }

        transaction.Commit();
        return ids;
    }

    /// <summary>A label string as the host logs class labels.</summary>
    public static string Label(long value) => value.ToString(CultureInfo.InvariantCulture);
}
