using System.Management.Automation;
using MlopsPS.Core;

namespace MlopsPS.Infrastructure;

/// <summary>The one place that turns engine exceptions into ErrorRecords with a stable id and an honest category.</summary>
internal static class ErrorRecordFactory
{
    /// <summary>Builds the ErrorRecord for an exception about <paramref name="target"/>.</summary>
    public static ErrorRecord FromException(Exception exception, object? target) => exception switch
    {
        MlopsException mlops => new ErrorRecord(mlops, mlops.ErrorId, ToCategory(mlops.Kind), target),
        ArgumentException => new ErrorRecord(exception, "InvalidArgument", ErrorCategory.InvalidArgument, target),
        FileNotFoundException or DirectoryNotFoundException => new ErrorRecord(exception, "PathNotFound", ErrorCategory.ObjectNotFound, target),
        UnauthorizedAccessException => new ErrorRecord(exception, "AccessDenied", ErrorCategory.PermissionDenied, target),
        IOException => new ErrorRecord(exception, "IOError", ErrorCategory.ReadError, target),
        OperationCanceledException => new ErrorRecord(exception, "OperationStopped", ErrorCategory.OperationStopped, target),
        TimeoutException => new ErrorRecord(exception, "OperationTimeout", ErrorCategory.OperationTimeout, target),
        _ => new ErrorRecord(exception, exception.GetType().Name, ErrorCategory.NotSpecified, target),
    };

    /// <summary>Errors a user can cause or fix; anything else is a bug and should surface with its stack.</summary>
    public static bool IsExpected(Exception exception) =>
        exception is MlopsException or ArgumentException or IOException or UnauthorizedAccessException
            or OperationCanceledException or TimeoutException;

    private static ErrorCategory ToCategory(MlopsErrorKind kind) => kind switch
    {
        MlopsErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
        MlopsErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
        MlopsErrorKind.InvalidData => ErrorCategory.InvalidData,
        MlopsErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
        MlopsErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        MlopsErrorKind.ResourceExists => ErrorCategory.ResourceExists,
        MlopsErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
        _ => ErrorCategory.NotSpecified,
    };
}
