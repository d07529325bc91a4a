using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

public class XGBoostLibraryTests
{
    [Fact]
    public void Version_IsTheLoadedLibrarysMajorMinorPatch()
    {
        XGBoostLibrary.EnsureLoaded();
        XGBoostLibrary.EnsureLoaded(); // a second module import must not register the resolver again

        Assert.Matches(@"^\d+\.\d+\.\d+$", XGBoostLibrary.Version);
        Assert.False(string.IsNullOrEmpty(XGBoostLibrary.LoadedFrom));
    }

    [Fact]
    public void Probe_ExplicitPathThatDoesNotLoad_FailsWithoutFallingBackAndSaysHowToInstall()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-such-dir", "libxgboost.so");

        var (handle, _, tried, failure) = XGBoostLibrary.Probe(missing, ["libxgboost.so.0"]);
        var error = XGBoostLibrary.NotFound(tried, failure);

        Assert.Equal(IntPtr.Zero, handle);
        Assert.Equal([$"{XGBoostLibrary.PathVariable}={missing}"], error.CandidatesTried);
        Assert.Contains(missing, error.Message);
        Assert.Contains("sudo apt-get install libxgboost0", error.Message);
        Assert.Contains("brew install xgboost", error.Message);
        Assert.Contains(XGBoostLibrary.PathVariable, error.Message);
    }

    [Fact]
    public void Probe_NoCandidateLoads_ListsEveryNameTried()
    {
        var (handle, _, tried, _) = XGBoostLibrary.Probe(null, ["libnot-xgboost-a.so", "libnot-xgboost-b.so"]);

        Assert.Equal(IntPtr.Zero, handle);
        Assert.Equal(["libnot-xgboost-a.so", "libnot-xgboost-b.so"], tried);
    }
}
