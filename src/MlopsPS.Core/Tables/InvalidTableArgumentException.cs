namespace MlopsPS.Core.Tables;

/// <summary>An argument to a table operation is out of range or missing (a negative age, no batches, ...).</summary>
public sealed class InvalidTableArgumentException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public InvalidTableArgumentException(string parameterName, string message)
        : base(message, MlopsErrorKind.InvalidArgument)
    {
        ParameterName = parameterName;
    }

    /// <summary>The parameter that was refused.</summary>
    public string ParameterName { get; }
}
