namespace MlopsPS.Core.Jobs;

/// <summary>No job has the given name.</summary>
public sealed class JobNotFoundException(string name)
    : MlopsException($"No job '{name}' exists in this store. Get-MlopsJob lists them.", MlopsErrorKind.ObjectNotFound);

/// <summary>A job with the name exists already.</summary>
public sealed class JobExistsException(string name)
    : MlopsException($"A job named '{name}' exists already. Set-MlopsJob changes it.", MlopsErrorKind.ResourceExists);

/// <summary>No job run has the given id.</summary>
public sealed class JobRunNotFoundException(long runId)
    : MlopsException($"No job run {runId} exists in this store. Get-MlopsJobRun lists them.", MlopsErrorKind.ObjectNotFound);

/// <summary>A job definition is invalid: a bad name, a missing script, an unknown parent, a cycle, a bad cron.</summary>
public sealed class InvalidJobDefinitionException(string message, Exception? inner = null)
    : MlopsException(message, MlopsErrorKind.InvalidArgument, inner);

/// <summary>A job cannot be removed: other jobs depend on it, or it has runs in progress.</summary>
public sealed class JobInUseException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidOperation);

/// <summary>A runner or scheduler process cannot be started or did not come up.</summary>
public sealed class JobRunnerException(string message, Exception? inner = null)
    : MlopsException(message, MlopsErrorKind.ResourceUnavailable, inner);

/// <summary>A wait for a run (or its chain) ran out of time; the runs go on.</summary>
public sealed class JobWaitTimeoutException(string message)
    : MlopsException(message, MlopsErrorKind.OperationTimeout);
