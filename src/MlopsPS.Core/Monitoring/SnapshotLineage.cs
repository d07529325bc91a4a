using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// What was built from a table snapshot: the runs that read rows it added (directly, or through a whole-table read
/// that includes them), the model versions registered from those runs, and their deployments.
/// </summary>
/// <param name="Table">The table.</param>
/// <param name="SnapshotId">The snapshot.</param>
/// <param name="Snapshot">The snapshot as the catalog has it; null when it has been expired since.</param>
/// <param name="Runs">The runs, oldest first.</param>
/// <param name="ModelVersions">The versions registered from them.</param>
/// <param name="Deployments">The deployments of those versions, newest first.</param>
public sealed record SnapshotLineage(
    string Table,
    long SnapshotId,
    Snapshot? Snapshot,
    IReadOnlyList<Run> Runs,
    IReadOnlyList<ModelVersion> ModelVersions,
    IReadOnlyList<Deployment> Deployments)
{
    /// <summary>The runs' ids.</summary>
    public IReadOnlyList<string> RunIds => Runs.Select(r => r.RunId).ToArray();

    /// <summary>The versions' URIs.</summary>
    public IReadOnlyList<string> ModelUris => ModelVersions.Select(v => v.Uri).ToArray();

    /// <summary>The endpoints that served the versions.</summary>
    public IReadOnlyList<string> EndpointNames => Deployments.Select(d => d.EndpointName).Distinct(StringComparer.Ordinal).ToArray();
}
