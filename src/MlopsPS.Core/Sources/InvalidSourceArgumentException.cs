namespace MlopsPS.Core.Sources;

/// <summary>
/// An argument of a source is out of range (a negative row count, a batch size of zero, a drift magnitude outside
/// 0..1). These values come from cmdlet parameters, so they are user errors with an ErrorId, not bugs.
/// </summary>
public sealed class InvalidSourceArgumentException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public InvalidSourceArgumentException(string parameterName, string message)
        : base(message, MlopsErrorKind.InvalidArgument)
    {
        ParameterName = parameterName;
    }

    /// <summary>The engine parameter that was wrong (the cmdlet may map it to its own parameter name).</summary>
    public string ParameterName { get; }
}
