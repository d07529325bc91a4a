namespace MlopsPS.Core.Training;

/// <summary>
/// An error reported by libxgboost (a non-zero return code from its C API). The message is
/// libxgboost's own text from <c>XGBGetLastError</c>, so what the user reads is what XGBoost said.
/// </summary>
public class XGBoostException : Exception
{
    public XGBoostException(string message) : base(message) { }

    public XGBoostException(string message, Exception innerException) : base(message, innerException) { }
}
