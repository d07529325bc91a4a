namespace MlopsPS.Core.Monitoring;

/// <summary>The outcome of a drift comparison: one result per feature, and notes about features that were left out.</summary>
/// <param name="Baseline">What the baseline rows are.</param>
/// <param name="Current">What the current rows are.</param>
/// <param name="Features">One result per compared feature, in the order of the features.</param>
/// <param name="Notes">Why a feature was not compared (for example a one-hot input that is no column of the table).</param>
public sealed record DriftComparison(string Baseline, string Current, IReadOnlyList<FeatureDrift> Features, IReadOnlyList<string> Notes)
{
    /// <summary>The features flagged as drifted.</summary>
    public IReadOnlyList<FeatureDrift> Drifted => Features.Where(f => f.Drifted).ToArray();
}
