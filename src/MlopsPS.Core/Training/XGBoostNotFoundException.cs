namespace MlopsPS.Core.Training;

/// <summary>
/// libxgboost could not be loaded. The message lists every name that was tried and how to install
/// the library, because "Unable to load shared library 'xgboost'" alone tells the user nothing.
/// </summary>
public sealed class XGBoostNotFoundException : XGBoostException
{
    public XGBoostNotFoundException(string message, IReadOnlyList<string> candidatesTried)
        : base(message, MlopsErrorKind.ResourceUnavailable)
    {
        CandidatesTried = candidatesTried;
    }

    /// <summary>The library names and paths probed, in order.</summary>
    public IReadOnlyList<string> CandidatesTried { get; }
}
