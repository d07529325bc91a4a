using System.Text.Json;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Who makes a set of predictions: an endpoint serving one deployment of one model version, with the model's
/// scoring schema. Made once per deployed model, so a recorded request carries a reference instead of copies of its
/// names; it also holds the pieces of the <c>inputs_json</c> object, prepared once.
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
        // {"a":1,"b":2}: the piece before each value is '{"a":' for the first feature, ',"b":' after that.
        InputKeys = schema.Features
            .Select((name, i) => (i == 0 ? "{" : ",") + JsonSerializer.Serialize(name) + ":")
            .ToArray();
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

    /// <summary>The text before each input's value in <c>inputs_json</c>.</summary>
    internal string[] InputKeys { get; }
}
