namespace MlopsPS.Core.Monitoring;

/// <summary>A true label that cannot be recorded: empty, or not one of the class labels of the model that predicted.</summary>
public sealed class InvalidGroundTruthException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidData);
