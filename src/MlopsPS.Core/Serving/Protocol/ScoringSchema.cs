using System.Globalization;
using System.Text;
using System.Text.Json;
using MlopsPS.Core.Models;

namespace MlopsPS.Core.Serving.Protocol;

/// <summary>
/// What a served model expects and answers: its feature columns in order, its two class labels and the decision
/// threshold on P(second label). Built once per loaded model; the request parser and the response writer use the
/// UTF-8 forms prepared here so a request costs no string allocations for names or labels.
/// </summary>
public sealed class ScoringSchema
{
    private readonly byte[][] _utf8Features;
    private readonly Dictionary<string, int> _featureIndex;

    /// <summary>Creates the schema.</summary>
    public ScoringSchema(IReadOnlyList<string> features, IReadOnlyList<string> classLabels, double threshold)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(classLabels);
        if (features.Count == 0)
        {
            throw new ArgumentException("A model needs at least one input column.", nameof(features));
        }

        if (classLabels.Count != 2)
        {
            throw new ArgumentException($"A binary classifier needs exactly two class labels; the model has {classLabels.Count}.", nameof(classLabels));
        }

        if (!(threshold > 0 && threshold < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The decision threshold must be between 0 and 1.");
        }

        Features = features.ToArray();
        ClassLabels = classLabels.ToArray();
        Threshold = (float)threshold;
        _utf8Features = Features.Select(Encoding.UTF8.GetBytes).ToArray();
        _featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Features.Count; i++)
        {
            if (!_featureIndex.TryAdd(Features[i], i))
            {
                throw new ArgumentException($"Input column '{Features[i]}' appears twice.", nameof(features));
            }
        }

        LabelJson = ClassLabels.Select(EncodeLabel).ToArray();
        BiasName = _featureIndex.ContainsKey(DefaultBiasName) ? DefaultBiasName + "_" : DefaultBiasName;
        ContributionNames = Features.Append(BiasName).Select(n => JsonEncodedText.Encode(n)).ToArray();
    }

    /// <summary>The key of the bias term in an explanation, unless a feature has that name.</summary>
    public const string DefaultBiasName = "bias";

    /// <summary>The schema of a model artifact's metadata.</summary>
    public static ScoringSchema FromMetadata(ModelMetadata metadata) =>
        new(metadata.FeatureNames, metadata.ClassLabels, metadata.Threshold);

    /// <summary>Input columns, in the order the model reads them.</summary>
    public IReadOnlyList<string> Features { get; }

    /// <summary>The two class labels: a prediction is the second when P(second) &gt;= <see cref="Threshold"/>.</summary>
    public IReadOnlyList<string> ClassLabels { get; }

    /// <summary>The decision threshold on P(second label).</summary>
    public float Threshold { get; }

    /// <summary>
    /// The key of the bias (expected value) in each row's contributions: <c>bias</c>, or <c>bias_</c> for a model
    /// with a feature named <c>bias</c>.
    /// </summary>
    public string BiasName { get; }

    /// <summary>The keys of a row's contributions: the features in model order, then <see cref="BiasName"/>.</summary>
    internal JsonEncodedText[] ContributionNames { get; }

    /// <summary>Each label as a raw JSON value: a number when the label is an integer (as MLflow answers 0/1), else a string.</summary>
    internal byte[][] LabelJson { get; }

    /// <summary>The index of the column named by the reader's current property name or string, or -1.</summary>
    /// <param name="hint">The index to try first (names usually come in model order).</param>
    internal int IndexOf(ref Utf8JsonReader reader, int hint)
    {
        if ((uint)hint < (uint)_utf8Features.Length && reader.ValueTextEquals(_utf8Features[hint]))
        {
            return hint;
        }

        if (_utf8Features.Length <= 16)
        {
            for (var i = 0; i < _utf8Features.Length; i++)
            {
                if (i != hint && reader.ValueTextEquals(_utf8Features[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        return IndexOf(reader.GetString()!);
    }

    /// <summary>The index of a column name, or -1.</summary>
    internal int IndexOf(string name) => _featureIndex.TryGetValue(name, out var index) ? index : -1;

    private static byte[] EncodeLabel(string label) =>
        long.TryParse(label, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? Encoding.UTF8.GetBytes(number.ToString(CultureInfo.InvariantCulture))
            : JsonSerializer.SerializeToUtf8Bytes(label);
}
