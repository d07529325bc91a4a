using System.Globalization;
using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

public class XGBoostParametersTests
{
    [Fact]
    public void Default_MatchesTheLabsXGBClassifierWithLoglossInOrder()
    {
        Assert.Equal(
            [
                new("objective", "binary:logistic"),
                new("eval_metric", "logloss"),
                new("max_depth", "6"),
                new("eta", "0.3"),
                new("tree_method", "hist"),
                new("seed", "0"),
                new KeyValuePair<string, string>("nthread", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
            ],
            XGBoostParameters.Default);
    }

    [Fact]
    public void With_UnderGermanCulture_FormatsNumbersInvariantlyAndBooleansLowercase()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.Equal("0,1", 0.1.ToString(CultureInfo.CurrentCulture)); // the trap this test is about

            var parameters = XGBoostParameters.Default.With(new Dictionary<string, object?>
            {
                ["eta"] = 0.1,
                ["subsample"] = 0.8f,
                ["scale_pos_weight"] = 1.5m,
                ["min_child_weight"] = 1234567.5,
                ["one_drop"] = true,
                ["validate_parameters"] = false,
            });

            Assert.Equal("0.1", parameters["eta"]);
            Assert.Equal("0.8", parameters["subsample"]);
            Assert.Equal("1.5", parameters["scale_pos_weight"]);
            Assert.Equal("1234567.5", parameters["min_child_weight"]);
            Assert.Equal("true", parameters["one_drop"]);
            Assert.Equal("false", parameters["validate_parameters"]);

            // And libxgboost accepts them: a "0,1" would fail to parse.
            var (features, labels) = SyntheticData.Signal(100, seed: 1);
            using var model = new XGBoostTrainer(parameters.With("one_drop", null), rounds: 2).Train(features, labels);
            Assert.Equal(2, model.BoostedRounds);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Fact]
    public void With_SklearnAlias_ReplacesTheCoreParameterInPlace()
    {
        var parameters = XGBoostParameters.Default.With("learning_rate", 0.05).With("random_state", 42).With("n_jobs", 1);

        Assert.Equal("0.05", parameters["eta"]);
        Assert.Equal("0.05", parameters["learning_rate"]);
        Assert.Equal("42", parameters["seed"]);
        Assert.Equal(1, parameters.Threads);
        Assert.Equal(XGBoostParameters.Default.Count, parameters.Count);
        Assert.Equal(3, parameters.ToList().FindIndex(p => p.Key == "eta"));
        Assert.DoesNotContain(parameters, p => p.Key == "learning_rate");
    }

    [Fact]
    public void With_NullValue_RemovesTheParameter()
    {
        var parameters = XGBoostParameters.Default.With("nthread", null);

        Assert.Null(parameters["nthread"]);
        Assert.Equal(0, parameters.Threads);
    }

    [Fact]
    public void With_NewParameter_IsAppendedAndDefaultIsUnchanged()
    {
        var parameters = XGBoostParameters.Create(new Dictionary<string, object?> { ["gamma"] = 0.5 });

        Assert.Equal(new KeyValuePair<string, string>("gamma", "0.5"), parameters[^1]);
        Assert.Null(XGBoostParameters.Default["gamma"]);
    }

    [Theory]
    [InlineData("n_estimators")]
    [InlineData("early_stopping_rounds")]
    public void With_TrainingLoopSetting_ThrowsArgumentException(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => XGBoostParameters.Default.With(name, 10));
        Assert.Contains("XGBoostTrainer", error.Message);
    }
}
