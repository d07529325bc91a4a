namespace MlopsPS.Core.Monitoring;

/// <summary>What became of one <see cref="GroundTruthLabel"/>: recorded, or refused with the reason.</summary>
/// <param name="Input">The label as sent.</param>
/// <param name="Recorded">The recorded ground truth, or null when refused.</param>
/// <param name="Error">Why it was refused (<see cref="PredictionNotFoundException"/>, <see cref="InvalidGroundTruthException"/>), or null.</param>
public sealed record GroundTruthOutcome(GroundTruthLabel Input, GroundTruth? Recorded, MlopsException? Error);
