namespace MlopsPS.Core.Serving.Protocol;

/// <summary>MLflow's error codes (mlflow/exceptions.py) and the HTTP statuses it maps them to.</summary>
public static class ScoringErrorCode
{
    public const string BadRequest = "BAD_REQUEST";
    public const string InvalidParameterValue = "INVALID_PARAMETER_VALUE";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string PermissionDenied = "PERMISSION_DENIED";
    public const string NotFound = "NOT_FOUND";
    public const string ResourceConflict = "RESOURCE_CONFLICT";
    public const string InternalError = "INTERNAL_ERROR";
    public const string TemporarilyUnavailable = "TEMPORARILY_UNAVAILABLE";
}

/// <summary>
/// A request the host refuses: an HTTP status and MLflow's <c>{"error_code": ..., "message": ...}</c> body. Bad
/// input always ends here (a 4xx), never in a 500.
/// </summary>
public sealed class ScoringProtocolException(int statusCode, string errorCode, string message) : Exception(message)
{
    /// <summary>The HTTP status: 400, 401, 404, 405, 413, 415, 503.</summary>
    public int StatusCode { get; } = statusCode;

    /// <summary>MLflow's error code.</summary>
    public string ErrorCode { get; } = errorCode;

    /// <summary>400 BAD_REQUEST.</summary>
    public static ScoringProtocolException BadRequest(string message) => new(400, ScoringErrorCode.BadRequest, message);

    /// <summary>413 (body over the endpoint's limit), with MLflow's BAD_REQUEST code.</summary>
    public static ScoringProtocolException TooLarge(long limit) =>
        new(413, ScoringErrorCode.BadRequest, $"The request body is larger than this endpoint's limit of {limit} bytes.");

    /// <summary>415 (neither JSON nor CSV, or a charset other than UTF-8), with MLflow's BAD_REQUEST code.</summary>
    public static ScoringProtocolException UnsupportedMediaType(string? contentType) =>
        new(415, ScoringErrorCode.BadRequest,
            $"Unsupported content type '{contentType}'. This predictor only supports application/json and text/csv (charset utf-8).");
}
