using MlopsPS.Core.Serving;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Everything an endpoint report shows, gathered once: the endpoint and its deployments, the served run, the activity
/// over time, the drift of its inputs and the model's feature importance. A section without data carries the reason
/// instead (a message the page shows in place of an empty chart).
/// </summary>
/// <param name="Endpoint">The endpoint.</param>
/// <param name="GeneratedAt">When the report was made (UTC).</param>
/// <param name="Options">What the report covers.</param>
/// <param name="Deployments">The endpoint's deployments, newest first.</param>
/// <param name="Run">The run of the served version, if known.</param>
/// <param name="Activity">Volume, latency and accuracy per time bucket.</param>
/// <param name="Drift">The drift of the logged inputs against the training rows, or null (see <paramref name="DriftMessage"/>).</param>
/// <param name="DriftMessage">Why there is no drift section (no predictions yet, no run), or null.</param>
/// <param name="FeatureImportance">The served model's feature importance (gain), largest first; empty when unknown.</param>
/// <param name="ImportanceMessage">Why there is no importance, or null.</param>
public sealed record EndpointReport(
    ModelEndpoint Endpoint,
    DateTime GeneratedAt,
    EndpointReportOptions Options,
    IReadOnlyList<Deployment> Deployments,
    Run? Run,
    ReportActivity Activity,
    DriftComparison? Drift,
    string? DriftMessage,
    IReadOnlyList<KeyValuePair<string, double>> FeatureImportance,
    string? ImportanceMessage);
