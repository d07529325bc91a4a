namespace MlopsPS.Core.Monitoring;

/// <summary>
/// One side of a drift comparison: the non-missing values of each numeric feature from some rows (a batch, a table as
/// of a snapshot, a run's training rows, an endpoint's logged inputs), and what those rows were.
/// </summary>
public sealed class DriftSample
{
    private readonly Dictionary<string, double[]> _values;

    /// <summary>Creates a sample. Nulls and NaN must already be left out of <paramref name="values"/>.</summary>
    /// <param name="description">What the rows are, for people (e.g. <c>telco batch of snapshot 123</c>).</param>
    /// <param name="rows">How many rows were read (a feature may have fewer values where it was missing).</param>
    /// <param name="values">Each feature's values, in any order.</param>
    public DriftSample(string description, long rows, IEnumerable<KeyValuePair<string, double[]>> values)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(values);
        Description = description;
        Rows = rows;
        _values = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var (feature, column) in values)
        {
            if (column.Any(double.IsNaN))
            {
                throw new ArgumentException($"The values of '{feature}' hold NaN; leave missing values out.", nameof(values));
            }

            _values.Add(feature, column);
            order.Add(feature);
        }

        Features = order;
    }

    /// <summary>What the rows are.</summary>
    public string Description { get; }

    /// <summary>How many rows were read.</summary>
    public long Rows { get; }

    /// <summary>The features the sample holds, in the order read.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>The non-missing values of <paramref name="feature"/>, in the order read.</summary>
    public IReadOnlyList<double> Values(string feature) =>
        _values.TryGetValue(feature, out var values)
            ? values
            : throw new DriftArgumentException($"The sample '{Description}' has no feature '{feature}'; it has: {string.Join(", ", Features)}.");
}
