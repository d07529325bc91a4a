namespace MlopsPS.Core.Tests.Sources;

/// <summary>
/// The population stability index, only for these tests (monitoring will own the real one): bins come from the
/// reference sample, one per distinct value when there are at most 20 (integer signals), otherwise at the
/// reference deciles; a value above the last edge or unseen in the reference falls in an extra bin; proportions are
/// floored at 1e-4 so an empty bin costs a large but finite amount.
/// </summary>
internal static class Psi
{
    private const double Floor = 1e-4;

    public static double Compute(IReadOnlyList<double> reference, IReadOnlyList<double> actual)
    {
        var distinct = reference.Distinct().Order().ToArray();
        Func<double, int> bin;
        int binCount;
        if (distinct.Length <= 20)
        {
            var index = distinct.Select((v, i) => (v, i)).ToDictionary(p => p.v, p => p.i);
            bin = v => index.TryGetValue(v, out var i) ? i : distinct.Length;
            binCount = distinct.Length + 1;
        }
        else
        {
            var sorted = reference.Order().ToArray();
            var edges = Enumerable.Range(1, 9)
                .Select(k => sorted[(int)((long)k * (sorted.Length - 1) / 10)])
                .Distinct()
                .ToArray();
            bin = v =>
            {
                var i = Array.BinarySearch(edges, v);
                return i >= 0 ? i : ~i; // a value equal to an edge goes in the bin that edge closes
            };
            binCount = edges.Length + 1;
        }

        var expected = Proportions(reference, bin, binCount);
        var observed = Proportions(actual, bin, binCount);
        var psi = 0.0;
        for (var i = 0; i < binCount; i++)
        {
            var e = Math.Max(expected[i], Floor);
            var a = Math.Max(observed[i], Floor);
            psi += (a - e) * Math.Log(a / e);
        }

        return psi;
    }

    private static double[] Proportions(IReadOnlyList<double> values, Func<double, int> bin, int binCount)
    {
        var counts = new double[binCount];
        foreach (var v in values)
        {
            counts[bin(v)]++;
        }

        return counts.Select(c => c / values.Count).ToArray();
    }
}
