using System.Text.Json;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Store;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Gathers an <see cref="EndpointReport"/> from the store: the endpoint, its deployments and served run, the activity
/// (through an <see cref="IReportActivitySource"/>), the drift of the newest logged inputs against the training rows
/// (<see cref="DriftDetector.CompareEndpoint"/>), and the run's <c>feature_importance.json</c>.
/// </summary>
public sealed class EndpointReportBuilder
{
    private readonly MlopsStore _store;
    private readonly IReportActivitySource _activity;

    /// <summary>Reports on endpoints of <paramref name="store"/>; activity from the monitoring metric windows unless another source is given.</summary>
    public EndpointReportBuilder(MlopsStore store, IReportActivitySource? activity = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _activity = activity ?? new ReportActivityFromMetrics(new PredictionMetrics(store));
    }

    /// <summary>The report of <paramref name="endpointName"/>; throws <see cref="EndpointNotFoundException"/> for an unknown name.</summary>
    public EndpointReport Build(string endpointName, EndpointReportOptions? options = null)
    {
        options ??= new EndpointReportOptions();
        options.Thresholds.Validate();
        var window = new DriftWindow(options.Start, options.End, options.DriftLast);
        window.Validate();

        var manager = new EndpointManager(_store);
        var endpoint = manager.GetEndpoint(endpointName, checkHealth: false);
        var deployments = manager.GetDeployments(endpoint.Name).Where(d => string.Equals(d.EndpointName, endpoint.Name, StringComparison.Ordinal)).ToArray();
        var run = ServedRun(endpoint);
        var activity = _activity.Read(endpoint.Name, options.Start, options.End, options.BucketWidth);
        var (drift, driftMessage) = Drift(endpoint, window, options.Thresholds);
        var (importance, importanceMessage) = Importance(run);
        return new EndpointReport(
            endpoint, DateTime.UtcNow, options, deployments, run, activity, drift, driftMessage, importance, importanceMessage);
    }

    private Run? ServedRun(ModelEndpoint endpoint)
    {
        if (endpoint.ModelName is not { } model || endpoint.Version is not int version)
        {
            return null;
        }

        var runId = new ModelRegistry(_store).GetVersion(model, version).RunId;
        try
        {
            return runId is null ? null : new TrackingStore(_store).GetRun(runId);
        }
        catch (RunNotFoundException)
        {
            return null;
        }
    }

    private (DriftComparison? Drift, string? Message) Drift(ModelEndpoint endpoint, DriftWindow window, DriftThresholds thresholds)
    {
        try
        {
            return (new DriftDetector(_store).CompareEndpoint(endpoint.Name, window, thresholds: thresholds), null);
        }
        catch (MlopsException e) when (e.Kind is MlopsErrorKind.ObjectNotFound or MlopsErrorKind.InvalidData or MlopsErrorKind.InvalidArgument)
        {
            // No predictions yet, never deployed, training rows expired: the section says so instead of failing the report.
            return (null, e.Message);
        }
    }

    private static (IReadOnlyList<KeyValuePair<string, double>> Importance, string? Message) Importance(Run? run)
    {
        if (run is null)
        {
            return ([], "The endpoint serves no model made by a known run, so there is no feature importance to show.");
        }

        var path = Path.Combine(run.ArtifactUri, Retrainer.FeatureImportanceFile);
        if (!File.Exists(path))
        {
            return ([], $"Run {run.RunId} has no {Retrainer.FeatureImportanceFile} artifact.");
        }

        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var values = document.RootElement.TryGetProperty("features", out var features) && features.ValueKind == JsonValueKind.Object
                ? features.EnumerateObject()
                    .Where(p => p.Value.ValueKind == JsonValueKind.Number)
                    .Select(p => KeyValuePair.Create(p.Name, p.Value.GetDouble()))
                    .OrderByDescending(p => p.Value)
                    .ToArray()
                : [];
            return values.Length > 0
                ? (values, null)
                : ([], $"The {Retrainer.FeatureImportanceFile} of run {run.RunId} lists no feature (a model of one leaf has no splits).");
        }
        catch (JsonException e)
        {
            return ([], $"The {Retrainer.FeatureImportanceFile} of run {run.RunId} is not valid JSON: {e.Message}");
        }
    }
}
