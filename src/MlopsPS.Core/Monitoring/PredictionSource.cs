using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Who makes a set of predictions: an endpoint serving one deployment of one model version, with the model's
/// scoring schema. Made once per deployed model, so a recorded request carries a reference instead of copies of its
/// names.
/// </summary>
public sealed class PredictionSource
{
    /// <summary>Describes the predictions of <paramref name="modelName"/> version <paramref name="modelVersion"/> at an endpoint.</summary>
    public PredictionSource(string endpointName, string deploymentId, string modelName, int modelVersion, ScoringSchema schema)
    {
        ArgumentException.ThrowIfNullOrEmpty(endpointName);
        ArgumentNullException.ThrowIfNull(deploymentId);
        ArgumentException.ThrowIfNullOrEmpty(modelName);
        ArgumentNullException.ThrowIfNull(schema);
        EndpointName = endpointName;
        DeploymentId = deploymentId;
        ModelName = modelName;
        ModelVersion = modelVersion;
        Schema = schema;
    }

    /// <summary>The endpoint that answered.</summary>
    public string EndpointName { get; }

    /// <summary>The deployment that put the model live.</summary>
    public string DeploymentId { get; }

    /// <summary>The registered model.</summary>
    public string ModelName { get; }

    /// <summary>Its version.</summary>
    public int ModelVersion { get; }

    /// <summary>Inputs, class labels, threshold.</summary>
    public ScoringSchema Schema { get; }
}
