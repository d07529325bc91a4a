namespace MlopsPS.Core.Monitoring;

/// <summary>A drift comparison was asked for with an argument out of range (a threshold, a window, a feature).</summary>
public sealed class DriftArgumentException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidArgument);

/// <summary>One side of a drift comparison has no values to compare (an empty batch, no predictions in the window).</summary>
public sealed class DriftSampleEmptyException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidData);

/// <summary>
/// The data a comparison needs cannot be found: a snapshot with no parent to compare with, a run without the lineage
/// tags, an endpoint that was never deployed.
/// </summary>
public sealed class DriftBaselineNotFoundException(string message)
    : MlopsException(message, MlopsErrorKind.ObjectNotFound);
