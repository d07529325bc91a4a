namespace MlopsPS.Core.Tracking;

/// <summary>No experiment has the given name or id.</summary>
public sealed class ExperimentNotFoundException(string experiment)
    : MlopsException($"No experiment '{experiment}' exists in this store. Get-Experiment lists them.", MlopsErrorKind.ObjectNotFound);

/// <summary>No run has the given id.</summary>
public sealed class RunNotFoundException(string runId)
    : MlopsException($"No run '{runId}' exists in this store.", MlopsErrorKind.ObjectNotFound);

/// <summary>A param was logged again with a different value: params are write-once, as in MLflow.</summary>
public sealed class ParamChangedException(string runId, string key, string oldValue, string newValue)
    : MlopsException(
        $"Param '{key}' of run {runId} is already '{oldValue}' and cannot change to '{newValue}': params are write-once.",
        MlopsErrorKind.InvalidOperation);

/// <summary>A run filter or order expression does not parse.</summary>
public sealed class InvalidRunFilterException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidArgument);

/// <summary>A change was asked of a run that has ended.</summary>
public sealed class RunNotActiveException(string runId, RunStatus status)
    : MlopsException($"Run {runId} is {status.ToString().ToUpperInvariant()}; only a RUNNING run can be changed.", MlopsErrorKind.InvalidOperation);
