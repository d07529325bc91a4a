using System.Globalization;

namespace MlopsPS.Benchmarks;

/// <summary>The <c>--name value</c> options of a subcommand.</summary>
internal sealed class Arguments
{
    private readonly Dictionary<string, string> _values;

    private Arguments(Dictionary<string, string> values) => _values = values;

    public static Arguments Parse(IEnumerable<string> args)
    {
        var list = args.ToList();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < list.Count; i += 2)
        {
            values[list[i]] = list[i + 1];
        }

        return new Arguments(values);
    }

    public string Text(string name) => _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"{name} is required.");

    public int Int(string name, int? fallback = null) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback ?? throw new ArgumentException($"{name} is required.");

    public long? OptionalLong(string name) =>
        _values.TryGetValue(name, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : null;

    public double Double(string name, double fallback) =>
        _values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback;
}
