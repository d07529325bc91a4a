using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

/// <summary>
/// Tests that count libxgboost handles run in this collection: it is not run in parallel with other
/// tests, so the process-wide count changes only through the test being run.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeHandleCollection
{
    public const string Name = "Native handle counting";
}

internal static class NativeHandleAssert
{
    /// <summary>Runs <paramref name="action"/> and asserts it left no libxgboost handle open.</summary>
    public static void NoneLeaked(Action action)
    {
        // Let finalizers of earlier tests' garbage run first, so they cannot lower the count meanwhile.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = XGBoostNative.OpenHandles;

        action();

        Assert.Equal(before, XGBoostNative.OpenHandles);
    }
}
