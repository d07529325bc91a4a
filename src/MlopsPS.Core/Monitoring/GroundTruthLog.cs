using System.Globalization;
using MlopsPS.Core.Common;
using MlopsPS.Core.Models;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Store;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Records delayed ground truth, as the lab's <c>track_delayed_metrics(metrics, prediction_uuid)</c>: the true label
/// of a logged prediction, sent when it becomes known. One label per prediction; a later one replaces it.
/// </summary>
/// <remarks>
/// Every label is answered: recorded, or refused with the reason. An id the log does not have is a
/// <see cref="PredictionNotFoundException"/>, never dropped in silence. A label must be one of the class labels of the
/// version that predicted (a number equal to one, such as <c>1.0</c> for <c>1</c>, is taken as that label), so that
/// accuracy compares like with like.
/// </remarks>
public sealed class GroundTruthLog
{
    private readonly MlopsStore _store;
    private readonly Dictionary<(string Model, int Version), IReadOnlyList<string>?> _classLabels = [];

    /// <summary>The ground truth of <paramref name="store"/>.</summary>
    public GroundTruthLog(MlopsStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
    }

    /// <summary>Records <paramref name="labels"/> in one transaction; returns one outcome per label, in order.</summary>
    public IReadOnlyList<GroundTruthOutcome> Record(IReadOnlyList<GroundTruthLabel> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var outcomes = new GroundTruthOutcome[labels.Count];
        if (labels.Count == 0)
        {
            return outcomes;
        }

        var now = UnixTime.NowMs();
        using var connection = _store.Database.Open();
        using var transaction = _store.Database.Dialect.BeginWrite(connection);
        using var lookup = new PredictionIdLookup(connection, transaction);
        using var find = CatalogDatabase.Command(connection, transaction, """
            SELECT s.endpoint_name, s.model_name, s.model_version, p.prediction, p.predicted_at
            FROM prediction_log p JOIN prediction_sources s ON s.source_id = p.source_id
            WHERE p.seq = @seq
            """);
        var findSeq = find.AddParameter("seq", 0L);
        using var upsert = CatalogDatabase.Command(connection, transaction, """
            INSERT INTO ground_truth (prediction_seq, label, recorded_at) VALUES (@seq, @label, @now)
            ON CONFLICT (prediction_seq) DO UPDATE SET label = excluded.label, recorded_at = excluded.recorded_at
            """, ("now", now));
        var upsertSeq = upsert.AddParameter("seq", 0L);
        var upsertLabel = upsert.AddParameter("label", string.Empty);

        for (var i = 0; i < labels.Count; i++)
        {
            var input = labels[i];
            var id = PredictionLog.Normalize(input.PredictionId ?? string.Empty);
            string endpoint, model, prediction;
            int version;
            long predictedAt;
            if (lookup.FindSeq(id) is not { } seq)
            {
                outcomes[i] = new GroundTruthOutcome(input, null, new PredictionNotFoundException(input.PredictionId ?? string.Empty));
                continue;
            }

            findSeq.Value = seq;
            using (var reader = find.ExecuteReader())
            {
                reader.Read();
                (endpoint, model, version, prediction, predictedAt) =
                    (reader.GetString(0), reader.GetString(1), checked((int)reader.GetInt64(2)), reader.GetString(3), reader.GetInt64(4));
            }

            if (!TryNormalizeLabel(input.Label, model, version, out var label, out var problem))
            {
                outcomes[i] = new GroundTruthOutcome(input, null, new InvalidGroundTruthException($"Prediction {id}: {problem}"));
                continue;
            }

            upsertSeq.Value = seq;
            upsertLabel.Value = label;
            upsert.ExecuteNonQuery();
            outcomes[i] = new GroundTruthOutcome(input, new GroundTruth(
                id, label, prediction, endpoint, model, version, UnixTime.ToDateTime(predictedAt), UnixTime.ToDateTime(now)), null);
        }

        transaction.Commit();
        return outcomes;
    }

    private bool TryNormalizeLabel(string? given, string model, int version, out string label, out string problem)
    {
        label = given?.Trim() ?? string.Empty;
        problem = string.Empty;
        if (label.Length == 0)
        {
            problem = "the true label is empty.";
            return false;
        }

        var classes = ClassLabels(model, version);
        if (classes is null || classes.Contains(label, StringComparer.Ordinal))
        {
            return true;
        }

        // 1.0 for the label 1: numbers as CSV files and spreadsheets write them.
        if (double.TryParse(label, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            foreach (var candidate in classes)
            {
                if (double.TryParse(candidate, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value == number)
                {
                    label = candidate;
                    return true;
                }
            }
        }

        problem = $"the true label '{given}' is not a class label of models:/{model}/{version} ({string.Join(", ", classes)}).";
        return false;
    }

    // The version's class labels from its MLmodel file; null (accept any label) when the artifact is gone.
    private IReadOnlyList<string>? ClassLabels(string model, int version)
    {
        if (_classLabels.TryGetValue((model, version), out var known))
        {
            return known;
        }

        IReadOnlyList<string>? labels;
        try
        {
            var source = new ModelRegistry(_store).GetVersion(model, version).Source;
            labels = ModelArtifactLayout.ReadMetadata(source).ClassLabels;
        }
        catch (Exception e) when (e is MlopsException or IOException or UnauthorizedAccessException)
        {
            labels = null;
        }

        _classLabels[(model, version)] = labels;
        return labels;
    }
}
