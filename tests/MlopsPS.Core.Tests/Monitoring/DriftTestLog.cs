using MlopsPS.Core.Common;
using MlopsPS.Core.Models;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// Predictions with chosen times, written through the real prediction recorder (what the scoring host uses), and their
/// true labels through the ground-truth log: the drift and report tests need hours of history that real requests,
/// stamped with the current time, cannot make in a test.
/// </summary>
internal static class DriftTestLog
{
    /// <summary>One logged prediction: one request of one row.</summary>
    public sealed record Entry(DateTime At, float[] Inputs, float Probability, long LatencyUs);

    /// <summary>The source for <paramref name="version"/> served by <paramref name="deployment"/>, with the model's own schema.</summary>
    public static PredictionSource Source(Deployment deployment, ModelVersion version) =>
        new(deployment.EndpointName, deployment.DeploymentId, version.ModelName, version.Version,
            ScoringSchema.FromMetadata(ModelArtifactLayout.ReadMetadata(version.Source)));

    /// <summary>A source with the given features, for tests without a deployed model.</summary>
    public static PredictionSource Source(string endpoint, params string[] features) =>
        new(endpoint, "d1", "celltower", 1, new ScoringSchema(features, ["0", "1"], 0.5));

    /// <summary>The rows' <paramref name="features"/> as float inputs, in that order.</summary>
    public static IEnumerable<float[]> Inputs(ColumnBatch rows, IReadOnlyList<string> features)
    {
        for (var row = 0; row < rows.RowCount; row++)
        {
            yield return features.Select(f => Convert.ToSingle(rows.Column(f).GetValue(row), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
    }

    /// <summary>Records the entries (waiting until they are written) and returns their prediction ids, in order.</summary>
    public static IReadOnlyList<string> Record(MlopsStore store, PredictionSource source, IEnumerable<Entry> entries)
    {
        var ids = new List<string>();
        using (var recorder = new PredictionRecorder(store, enabled: true))
        {
            foreach (var entry in entries)
            {
                var request = PredictionIds.NewRequestId(DateTimeOffset.FromUnixTimeMilliseconds(UnixTime.ToMs(entry.At)));
                Assert.True(recorder.TryRecord(new PredictionBatch(source, request, entry.LatencyUs, entry.Inputs, 1, [entry.Probability])));
                ids.Add(PredictionIds.ForRow(request, 0));
            }
        }

        return ids;
    }

    /// <summary>Sends true labels, as <c>Add-GroundTruth</c> does; every one must be recorded.</summary>
    public static void Label(MlopsStore store, IEnumerable<(string PredictionId, string Label)> labels) =>
        Assert.All(
            new GroundTruthLog(store).Record(labels.Select(l => new GroundTruthLabel(l.PredictionId, l.Label)).ToArray()),
            outcome => Assert.Null(outcome.Error));
}
