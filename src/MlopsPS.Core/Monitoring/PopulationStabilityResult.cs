namespace MlopsPS.Core.Monitoring;

/// <summary>A population stability index and the bins it was computed over, first (below the baseline) to last (above it).</summary>
/// <param name="Index">The PSI.</param>
/// <param name="Bins">The bins, in ascending order.</param>
public sealed record PopulationStabilityResult(double Index, IReadOnlyList<DriftBin> Bins);
