namespace MlopsPS.Core.Serving;

/// <summary>No endpoint has the given name.</summary>
public sealed class EndpointNotFoundException(string name)
    : MlopsException($"No model endpoint '{name}' exists in this store. Get-ModelEndpoint lists them; Publish-ModelEndpoint creates one.", MlopsErrorKind.ObjectNotFound);

/// <summary>No deployment has the given id.</summary>
public sealed class DeploymentNotFoundException(string id)
    : MlopsException($"No deployment '{id}' exists in this store. Get-ModelDeployment lists them.", MlopsErrorKind.ObjectNotFound);

/// <summary>A host process could not be started, or stopped answering.</summary>
public sealed class EndpointHostException(string message, Exception? inner = null)
    : MlopsException(message, MlopsErrorKind.ResourceUnavailable, inner);

/// <summary>The running host refused a new version (it did not load or validate); the previous version keeps serving.</summary>
public sealed class DeploymentRejectedException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidData);

/// <summary>A scoring request failed at the endpoint (an HTTP error answer from the host).</summary>
public sealed class ScoringRequestException(int statusCode, string errorCode, string message)
    : MlopsException($"The endpoint answered {statusCode} {errorCode}: {message}", statusCode switch
    {
        401 or 403 => MlopsErrorKind.InvalidOperation,
        404 => MlopsErrorKind.ObjectNotFound,
        503 or >= 500 => MlopsErrorKind.ResourceUnavailable,
        _ => MlopsErrorKind.InvalidData,
    })
{
    /// <summary>The HTTP status.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>MLflow's error code, such as BAD_REQUEST.</summary>
    public string ErrorCode { get; } = errorCode;
}

/// <summary>An endpoint setting is invalid: a name, bind address, port, API key or body limit, or an address other machines can reach without a key.</summary>
public sealed class InvalidEndpointSettingException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidArgument);

/// <summary>The endpoint's state does not allow the operation now (busy, never deployed, running on another address, not running).</summary>
public sealed class EndpointStateException(string message, Exception? inner = null)
    : MlopsException(message, MlopsErrorKind.InvalidOperation, inner);
