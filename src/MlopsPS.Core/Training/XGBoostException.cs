namespace MlopsPS.Core.Training;

/// <summary>
/// An error reported by libxgboost (a non-zero return code from its C API). The message is
/// libxgboost's own text from <c>XGBGetLastError</c>, so what the user reads is what XGBoost said.
/// </summary>
public class XGBoostException : MlopsException
{
    /// <summary>Creates the exception; libxgboost refuses what it was given, so the kind defaults to InvalidArgument.</summary>
    public XGBoostException(string message, MlopsErrorKind kind = MlopsErrorKind.InvalidArgument)
        : base(message, kind)
    {
    }

    /// <summary>Creates the exception with its cause.</summary>
    public XGBoostException(string message, Exception innerException)
        : base(message, MlopsErrorKind.InvalidArgument, innerException)
    {
    }
}
