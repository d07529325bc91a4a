using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

/// <summary>Reports synchronously: <see cref="Progress{T}"/> would post to the thread pool.</summary>
internal sealed class SyncProgress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
