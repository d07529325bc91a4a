using System.Collections;
using System.Globalization;

namespace MlopsPS.Core.Training;

/// <summary>
/// Booster parameters as libxgboost receives them: an ordered list of name/value strings, immutable.
/// The defaults reproduce the lab's <c>XGBClassifier(eval_metric="logloss")</c>.
/// </summary>
/// <remarks>
/// Values are formatted with <see cref="CultureInfo.InvariantCulture"/>: under a comma-decimal culture
/// 0.3 would otherwise reach libxgboost as "0,3" and fail to parse. Booleans become "true"/"false",
/// the spelling libxgboost's parameter parser expects. The sklearn aliases are folded onto their core
/// names so an override replaces the default instead of sending both (libxgboost would take
/// whichever came last).
/// </remarks>
public sealed class XGBoostParameters : IReadOnlyList<KeyValuePair<string, string>>
{
    private static readonly Dictionary<string, string> s_aliases = new(StringComparer.Ordinal)
    {
        ["learning_rate"] = "eta",
        ["random_state"] = "seed",
        ["n_jobs"] = "nthread",
        ["reg_lambda"] = "lambda",
        ["reg_alpha"] = "alpha",
    };

    // Settings of the training loop that libxgboost would ignore with a warning; XGBoostTrainer owns them.
    private static readonly HashSet<string> s_trainerSettings = new(StringComparer.Ordinal)
    {
        "n_estimators", "num_boost_round", "early_stopping_rounds",
    };

    private readonly List<KeyValuePair<string, string>> _items;

    private XGBoostParameters(List<KeyValuePair<string, string>> items) => _items = items;

    /// <summary>
    /// objective=binary:logistic, eval_metric=logloss, max_depth=6, eta=0.3, tree_method=hist, seed=0,
    /// nthread=all logical processors.
    /// </summary>
    public static XGBoostParameters Default { get; } = new(
    [
        new("objective", "binary:logistic"),
        new("eval_metric", "logloss"),
        new("max_depth", "6"),
        new("eta", "0.3"),
        new("tree_method", "hist"),
        new("seed", "0"),
        new("nthread", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture)),
    ]);

    /// <summary>The defaults with <paramref name="overrides"/> applied (see <see cref="With(IEnumerable{KeyValuePair{string, object}})"/>).</summary>
    public static XGBoostParameters Create(IDictionary<string, object?>? overrides = null) =>
        overrides is null ? Default : Default.With(overrides!);

    /// <summary>The value of <paramref name="name"/> (aliases accepted), or null when it is not set.</summary>
    public string? this[string name]
    {
        get
        {
            var index = IndexOf(Canonical(name));
            return index < 0 ? null : _items[index].Value;
        }
    }

    /// <summary>The libxgboost thread count (<c>nthread</c>); 0 when unset (libxgboost then uses all cores).</summary>
    public int Threads => int.TryParse(this["nthread"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    public int Count => _items.Count;

    public KeyValuePair<string, string> this[int index] => _items[index];

    /// <summary>A copy with one parameter set (replacing it in place if present) or, for a null value, removed.</summary>
    public XGBoostParameters With(string name, object? value) => With([new KeyValuePair<string, object?>(name, value)]);

    /// <summary>
    /// A copy with <paramref name="overrides"/> applied in order. A null value removes the parameter so
    /// libxgboost's own default applies (Python's <c>None</c>). Unknown names are passed through:
    /// libxgboost decides what it accepts, and says so.
    /// </summary>
    public XGBoostParameters With(IEnumerable<KeyValuePair<string, object?>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var items = new List<KeyValuePair<string, string>>(_items);
        foreach (var (rawName, value) in overrides)
        {
            var name = Canonical(rawName);
            var index = items.FindIndex(p => p.Key == name);
            if (value is null)
            {
                if (index >= 0)
                {
                    items.RemoveAt(index);
                }

                continue;
            }

            var entry = new KeyValuePair<string, string>(name, Format(value));
            if (index >= 0)
            {
                items[index] = entry;
            }
            else
            {
                items.Add(entry);
            }
        }

        return new XGBoostParameters(items);
    }

    /// <summary>Formats a parameter value the way libxgboost parses it, whatever the current culture.</summary>
    public static string Format(object value) => value switch
    {
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>"name=value, ..." in order.</summary>
    public override string ToString() => string.Join(", ", _items.Select(p => $"{p.Key}={p.Value}"));

    private int IndexOf(string name) => _items.FindIndex(p => p.Key == name);

    private static string Canonical(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        name = name.Trim();
        if (s_trainerSettings.Contains(name))
        {
            throw new ArgumentException(
                $"'{name}' is a setting of the training loop, not a booster parameter; give it to XGBoostTrainer.",
                nameof(name));
        }

        return s_aliases.TryGetValue(name, out var canonical) ? canonical : name;
    }
}
