using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Where a prediction came from: the endpoint and deployment that answered, the model version, the run that trained
/// it (with its params and metrics), and the table snapshots and data files the run read. A link that no longer
/// exists in the store is null; the prediction itself always is there.
/// </summary>
public sealed record PredictionLineage(
    LoggedPrediction Prediction,
    Deployment? Deployment,
    ModelVersion? ModelVersion,
    Run? Run,
    TrainingDataLineage? TrainingData)
{
    /// <summary>The prediction's id.</summary>
    public string PredictionId => Prediction.PredictionId;

    /// <summary>The endpoint that answered.</summary>
    public string EndpointName => Prediction.EndpointName;

    /// <summary>The deployment that was live.</summary>
    public string DeploymentId => Prediction.DeploymentId;

    /// <summary>The version that answered.</summary>
    public string ModelUri => Prediction.ModelUri;

    /// <summary>The run that trained the version.</summary>
    public string? RunId => Run?.RunId ?? ModelVersion?.RunId;

    /// <summary>The table the run read.</summary>
    public string? Table => TrainingData?.Table;

    /// <summary>The snapshots whose rows the run read.</summary>
    public IReadOnlyList<long> SnapshotIds => TrainingData?.SnapshotIds ?? [];

    /// <summary>The data files the run read.</summary>
    public IReadOnlyList<DataFile> DataFiles => TrainingData?.DataFiles ?? [];
}
