using System.Text.Json.Nodes;
using MlopsPS.Core.Models;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Tests.TestSupport;
using MlopsPS.Core.Tests.Training;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Serving;

/// <summary>The compiled trees that serve small batches give libxgboost's exact floats, or are not used.</summary>
public sealed class CompiledForestTests : IDisposable
{
    private readonly TemporaryStore _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData(1, 20)]
    [InlineData(2, 100)]
    public void CompiledTrees_GiveLibxgboostsExactProbabilities_OnRowsWithMissingValues(int seed, int rounds)
    {
        var version = ServingTestSupport.RegisterModel(_temp.Store, "m", seed, rounds);
        using var served = ServableModel.Load(version.Source, version.ModelName, version.Version);
        Assert.True(served.IsCompiled, served.PredictionPath);

        var (features, _) = SyntheticData.Signal(2000, seed: 99);
        var values = features.Values.ToArray();
        for (var i = 0; i < values.Length; i += 7)
        {
            values[i] = float.NaN;
        }

        var expected = served.Model.PredictProbabilities(new FeatureMatrix(values, features.Rows, SyntheticData.Columns));
        var actual = new List<float>();
        for (var start = 0; start < features.Rows; start += 64)
        {
            var rows = Math.Min(64, features.Rows - start);
            actual.AddRange(served.PredictProbabilities(values[(start * 4)..((start + rows) * 4)], rows));
        }

        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void AModelTheCompilerDoesNotModel_IsServedByLibxgboost_AndSaysWhy()
    {
        var version = ServingTestSupport.RegisterModel(_temp.Store, "raw", seed: 1);
        var file = Path.Combine(version.Source, ModelArtifactLayout.ModelFileName);
        var json = JsonNode.Parse(File.ReadAllText(file))!;
        json["learner"]!["objective"]!["name"] = "binary:logitraw";
        File.WriteAllText(file, json.ToJsonString());

        using var served = ServableModel.Load(version.Source, version.ModelName, version.Version);

        Assert.False(served.IsCompiled);
        Assert.Contains("binary:logitraw", served.PredictionPath, StringComparison.Ordinal);
        Assert.Single(served.PredictProbabilities([0.1f, 0.2f, 0.3f, 0.4f], 1));
    }

    [Fact]
    public void TryCompile_RefusesTreesThatDoNotFormATree()
    {
        var version = ServingTestSupport.RegisterModel(_temp.Store, "cyclic", seed: 1);
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(version.Source, ModelArtifactLayout.ModelFileName)))!;
        var tree = json["learner"]!["gradient_booster"]!["model"]!["trees"]![0]!;
        tree["left_children"]![1] = 0;

        Assert.Null(CompiledForest.TryCompile(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString()), out var reason));
        Assert.Contains("do not form a tree", reason, StringComparison.Ordinal);
    }
}
