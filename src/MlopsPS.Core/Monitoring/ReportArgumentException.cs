namespace MlopsPS.Core.Monitoring;

/// <summary>A report was asked for with an argument out of range (a time bucket, a window).</summary>
public sealed class ReportArgumentException(string message)
    : MlopsException(message, MlopsErrorKind.InvalidArgument);
