namespace MlopsPS.Core.Sources;

/// <summary>Defaults shared by every source.</summary>
public static class SourceDefaults
{
    /// <summary>
    /// The most rows in one batch when none is given: big enough to amortise the per-batch costs (a Parquet row
    /// group, a training DMatrix), small enough that a batch of a wide table stays in the tens of megabytes.
    /// </summary>
    public const int BatchSize = 100_000;
}
