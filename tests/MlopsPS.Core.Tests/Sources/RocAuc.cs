namespace MlopsPS.Core.Tests.Sources;

/// <summary>The ROC AUC by ranks (Mann-Whitney U), ties counted half: the probability a positive outscores a negative.</summary>
internal static class RocAuc
{
    public static double Compute(IReadOnlyList<double> scores, IReadOnlyList<long> labels)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double positiveRankSum = 0;
        long positives = 0;
        var start = 0;
        while (start < order.Length)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]])
            {
                end++;
            }

            var averageRank = ((start + end) / 2.0) + 1;
            for (var k = start; k <= end; k++)
            {
                if (labels[order[k]] == 1)
                {
                    positiveRankSum += averageRank;
                    positives++;
                }
            }

            start = end + 1;
        }

        long negatives = scores.Count - positives;
        return (positiveRankSum - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }
}
