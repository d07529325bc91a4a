namespace MlopsPS.Core;

/// <summary>What sort of failure an engine error is; mirrors the PowerShell ErrorCategory values we use.</summary>
public enum MlopsErrorKind
{
    /// <summary>A named thing (table, snapshot, run, model, endpoint) does not exist.</summary>
    ObjectNotFound,

    /// <summary>An argument is malformed or out of range.</summary>
    InvalidArgument,

    /// <summary>Input data is malformed or does not fit (bad CSV, schema mismatch).</summary>
    InvalidData,

    /// <summary>The request conflicts with the current state (a concurrent change, an invalid operation now).</summary>
    InvalidOperation,

    /// <summary>A resource (store, native library, host process) cannot be reached or used.</summary>
    ResourceUnavailable,

    /// <summary>Something already exists.</summary>
    ResourceExists,

    /// <summary>Work took too long.</summary>
    OperationTimeout,
}
