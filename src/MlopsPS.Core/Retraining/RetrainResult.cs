using MlopsPS.Core.Tracking;

namespace MlopsPS.Core.Retraining;

/// <summary>A finished retrain: the run it recorded, and where its time went.</summary>
public sealed record RetrainResult(Run Run, RetrainTimings Timings);
