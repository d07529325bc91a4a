using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tests.Training;

public class BinaryClassificationMetricsTests
{
    [Fact]
    public void Compute_TinyInput_MatchesHandComputedValues()
    {
        // Predicted 1,0,1,1 -> tp 2, fp 1, tn 1, fn 0. AUC pairs (pos vs neg): .9>.4, .9>.7, .6>.4, .6<.7 -> 3/4.
        float[] labels = [1, 0, 1, 0];
        float[] probabilities = [0.9f, 0.4f, 0.6f, 0.7f];

        var m = BinaryClassificationMetrics.Compute(labels, probabilities);

        Assert.Equal(4, m.Count);
        Assert.Equal(0.75, m.Accuracy, 12);
        Assert.Equal(2.0 / 3.0, m.Precision, 12);
        Assert.Equal(1.0, m.Recall, 12);
        Assert.Equal(0.8, m.F1, 12);
        Assert.Equal(0.75, m.RocAuc, 12);
        var expectedLogLoss = -(Math.Log(0.9f) + Math.Log(1 - (double)0.4f) + Math.Log(0.6f) + Math.Log(1 - (double)0.7f)) / 4;
        Assert.Equal(expectedLogLoss, m.LogLoss, 12);
    }

    [Fact]
    public void RocAuc_TiedScoresAcrossClasses_CountHalf()
    {
        // Pairs: (.5 pos, .5 neg) tie = 1/2; (.5, .2) = 1; (.8, .5) = 1; (.8, .2) = 1 -> 3.5 / 4 (sklearn: 0.875).
        Assert.Equal(0.875, BinaryClassificationMetrics.ComputeRocAuc([0, 1, 0, 1], [0.5f, 0.5f, 0.2f, 0.8f]), 12);
    }

    [Fact]
    public void RocAuc_ManyRowsWithTies_EqualsTheShareOfPositiveNegativePairsRankedRight()
    {
        // The definition, pair by pair (a tie counts half), against the sort by keys; -0 and +0 are one score.
        var random = new Random(3);
        var labels = Enumerable.Range(0, 600).Select(_ => random.NextDouble() < 0.3 ? 1f : 0f).ToArray();
        var scores = labels.Select(l => (float)Math.Round(random.NextDouble() * (l == 1f ? 1 : 0.8), 2)).ToArray();
        scores[0] = -0f;
        scores[1] = 0f;
        scores[2] = 1f;

        double right = 0, pairs = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            for (var j = 0; j < labels.Length; j++)
            {
                if (labels[i] == 1f && labels[j] == 0f)
                {
                    pairs++;
                    right += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
                }
            }
        }

        Assert.Equal(right / pairs, BinaryClassificationMetrics.ComputeRocAuc(labels, scores), 12);
    }

    [Fact]
    public void RocAuc_AllScoresEqual_IsOneHalf()
    {
        Assert.Equal(0.5, BinaryClassificationMetrics.ComputeRocAuc([0, 1, 1, 0, 1], [0.3f, 0.3f, 0.3f, 0.3f, 0.3f]), 12);
    }

    [Fact]
    public void RocAuc_PerfectAndInvertedRanking_AreOneAndZero()
    {
        Assert.Equal(1.0, BinaryClassificationMetrics.ComputeRocAuc([0, 0, 1, 1], [0.1f, 0.2f, 0.8f, 0.9f]));
        Assert.Equal(0.0, BinaryClassificationMetrics.ComputeRocAuc([1, 1, 0, 0], [0.1f, 0.2f, 0.8f, 0.9f]));
    }

    [Fact]
    public void Compute_OneClassOnly_RocAucIsNaNAndRatiosFollowSklearnZeroDivision()
    {
        var m = BinaryClassificationMetrics.Compute([0, 0, 0], [0.1f, 0.7f, 0.2f]);

        Assert.True(double.IsNaN(m.RocAuc));
        Assert.Equal(2.0 / 3.0, m.Accuracy, 12);
        Assert.Equal(0.0, m.Precision); // one predicted positive, wrong
        Assert.Equal(0.0, m.Recall);    // no positives at all
        Assert.Equal(0.0, m.F1);
    }

    [Fact]
    public void Compute_NothingPredictedPositive_PrecisionIsZero()
    {
        var m = BinaryClassificationMetrics.Compute([1, 0], [0.2f, 0.1f]);

        Assert.Equal(0.0, m.Precision);
        Assert.Equal(0.0, m.Recall);
        Assert.Equal(1.0, m.RocAuc);
    }

    [Fact]
    public void Compute_ProbabilityExactlyHalf_IsPredictedNegative()
    {
        var m = BinaryClassificationMetrics.Compute([1], [0.5f]);
        Assert.Equal(0.0, m.Accuracy);
    }

    [Fact]
    public void LogLoss_ConfidentMiss_IsClippedAtEpsilon()
    {
        Assert.Equal(-Math.Log(1e-15), BinaryClassificationMetrics.ComputeLogLoss([1], [0f]), 9);
        // 1 - (1 - 1e-15) is not exactly 1e-15 in binary floating point (sklearn has the same rounding).
        Assert.Equal(-Math.Log(1 - (1 - 1e-15)), BinaryClassificationMetrics.ComputeLogLoss([0], [1f]), 12);
        Assert.Equal(-Math.Log(1 - 1e-15), BinaryClassificationMetrics.ComputeLogLoss([1], [1f]), 15);
    }

    [Fact]
    public void Compute_BadInput_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.Compute([], []));
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.Compute([1, 0], [0.5f]));
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.Compute([2], [0.5f]));
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.Compute([1], [float.NaN]));
        Assert.Throws<ArgumentException>(() => BinaryClassificationMetrics.Compute([1], [1.5f]));
    }

    [Fact]
    public void ToDictionary_UsesTheRunMetricNames()
    {
        var names = BinaryClassificationMetrics.Compute([1, 0], [0.9f, 0.1f]).ToDictionary().Keys;
        Assert.Equal(["accuracy", "precision", "recall", "f1", "roc_auc", "logloss"], names);
    }
}
