using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Tests.Sources;

/// <summary>
/// A small learner for the "the label is learnable" tests (XGBoost is bound elsewhere): per feature, the log-odds
/// of the label in each reference decile (or each distinct value), summed over features as naive Bayes does. It
/// sees nothing but the feature columns, so a high AUC on rows of another seed means the features carry the label.
/// </summary>
internal sealed class BinnedNaiveBayes
{
    private readonly List<(string Feature, double[] Edges, double[] LogOdds)> _parts = [];

    public static BinnedNaiveBayes Fit(ColumnBatch train, IEnumerable<string> features, string label)
    {
        var model = new BinnedNaiveBayes();
        var y = train.Column<long>(label);
        var baseRate = y.Average();
        foreach (var feature in features)
        {
            var x = Numbers(train, feature);
            var sorted = x.Order().ToArray();
            var distinct = sorted.Distinct().ToArray();
            var edges = distinct.Length <= 20
                ? distinct
                : Enumerable.Range(1, 9).Select(k => sorted[k * (sorted.Length - 1) / 10]).Distinct().ToArray();
            var positives = new double[edges.Length + 1];
            var totals = new double[edges.Length + 1];
            for (var i = 0; i < x.Length; i++)
            {
                var b = Bin(edges, x[i]);
                totals[b]++;
                positives[b] += y[i];
            }

            // Laplace-smoothed towards the base rate, so a tiny bin does not dominate.
            var logOdds = new double[edges.Length + 1];
            for (var b = 0; b < logOdds.Length; b++)
            {
                var rate = (positives[b] + (10 * baseRate)) / (totals[b] + 10);
                logOdds[b] = Math.Log(rate / (1 - rate)) - Math.Log(baseRate / (1 - baseRate));
            }

            model._parts.Add((feature, edges, logOdds));
        }

        return model;
    }

    public double[] Score(ColumnBatch batch)
    {
        var scores = new double[batch.RowCount];
        foreach (var (feature, edges, logOdds) in _parts)
        {
            var x = Numbers(batch, feature);
            for (var i = 0; i < x.Length; i++)
            {
                scores[i] += logOdds[Bin(edges, x[i])];
            }
        }

        return scores;
    }

    public static double[] Numbers(ColumnBatch batch, string column) => batch.Column(column) switch
    {
        long[] longs => longs.Select(v => (double)v).ToArray(),
        double[] doubles => doubles,
        var other => throw new InvalidOperationException($"{column} is a {other.GetType().Name}"),
    };

    private static int Bin(double[] edges, double value)
    {
        var i = Array.BinarySearch(edges, value);
        return i >= 0 ? i : ~i;
    }
}
