namespace MlopsPS.Core.Training;

/// <summary>Where <see cref="XGBoostTrainer.Train"/> spent its time: the DMatrix objects, the rounds, the reload.</summary>
public sealed record TrainingTimings(TimeSpan DMatrix, TimeSpan Rounds, TimeSpan ModelReload);
