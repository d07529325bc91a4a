using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MlopsPS.Core.Serving;

/// <summary>
/// A <c>gbtree</c> + <c>binary:logistic</c> XGBoost model read from its JSON into flat node arrays, for the latency of
/// small requests. libxgboost spends about 25 us of set-up on every in-place prediction (array-interface and config
/// JSON, a proxy DMatrix, 64 feature vectors per call) against about 1 us of tree walking for one row; this evaluator
/// walks the same trees with libxgboost's own arithmetic, so its answers are the same floats.
/// </summary>
/// <remarks>
/// <para>What it reproduces (libxgboost 1.7 <c>cpu_predictor.cc</c>, <c>predict_fn.h</c>, <c>common/math.h</c>): a
/// missing value (NaN) takes the node's default child, otherwise <c>value &lt; split_condition</c> goes left; the
/// margin starts at the base score's margin and adds each tree's leaf value in tree order, in 32-bit floats; the
/// probability is <c>1 / (expf(min(-margin, 88.7)) + 1 + 1e-16)</c>.</para>
/// <para>It is only used after <see cref="VerifyAgainst"/> found its answers bit-identical to libxgboost's on probe
/// rows built from the model's own split thresholds (at, just below and just above each, and missing). Anything it
/// does not model (categorical splits, several classes or targets, other boosters or objectives) is not compiled, and
/// libxgboost serves it.</para>
/// </remarks>
internal sealed class CompiledForest
{
    private const float MaxExponent = 88.7f;
    private const float Epsilon = 1e-16f;

    private readonly Node[] _nodes;
    private readonly int[] _roots;
    private readonly float _baseMargin;

    private CompiledForest(Node[] nodes, int[] roots, float baseMargin, int featureCount, IReadOnlyList<float>[] thresholds)
    {
        _nodes = nodes;
        _roots = roots;
        _baseMargin = baseMargin;
        FeatureCount = featureCount;
        Thresholds = thresholds;
    }

    public int FeatureCount { get; }

    public int TreeCount => _roots.Length;

    /// <summary>The split thresholds of each feature (for the probe rows).</summary>
    private IReadOnlyList<float>[] Thresholds { get; }

    /// <summary>Compiles an XGBoost JSON model, or returns null with the reason it cannot be.</summary>
    public static CompiledForest? TryCompile(ReadOnlySpan<byte> json, out string reason)
    {
        try
        {
            using var document = JsonDocument.Parse(json.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
            var learner = document.RootElement.GetProperty("learner");
            var objective = learner.GetProperty("objective").GetProperty("name").GetString();
            if (objective is not ("binary:logistic" or "reg:logistic"))
            {
                reason = $"objective {objective} (only binary:logistic is compiled)";
                return null;
            }

            var parameters = learner.GetProperty("learner_model_param");
            if (Number(parameters, "num_class") > 1 || (parameters.TryGetProperty("num_target", out _) && Number(parameters, "num_target") > 1))
            {
                reason = "several classes or targets";
                return null;
            }

            var featureCount = (int)Number(parameters, "num_feature");
            var baseScore = float.Parse(parameters.GetProperty("base_score").GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            if (!(baseScore > 0f && baseScore < 1f))
            {
                reason = $"base_score {baseScore} outside (0, 1)";
                return null;
            }

            // LogisticRegression::ProbToMargin, in floats.
            var baseMargin = -MathF.Log((1.0f / baseScore) - 1.0f);

            var booster = learner.GetProperty("gradient_booster");
            if (booster.GetProperty("name").GetString() != "gbtree")
            {
                reason = $"booster {booster.GetProperty("name").GetString()} (only gbtree is compiled)";
                return null;
            }

            var model = booster.GetProperty("model");
            if (model.GetProperty("tree_info").EnumerateArray().Any(group => group.GetInt32() != 0))
            {
                reason = "trees of several output groups";
                return null;
            }

            var nodes = new List<Node>();
            var roots = new List<int>();
            var thresholds = Enumerable.Range(0, featureCount).Select(_ => new SortedSet<float>()).ToArray();
            foreach (var tree in model.GetProperty("trees").EnumerateArray())
            {
                if (tree.GetProperty("split_type").EnumerateArray().Any(t => t.GetInt32() != 0))
                {
                    reason = "categorical splits";
                    return null;
                }

                var left = Ints(tree, "left_children");
                var right = Ints(tree, "right_children");
                var features = Ints(tree, "split_indices");
                var conditions = tree.GetProperty("split_conditions").EnumerateArray().Select(c => c.GetSingle()).ToArray();
                var defaultLeft = tree.GetProperty("default_left").EnumerateArray().Select(d => d.ValueKind == JsonValueKind.True || (d.ValueKind == JsonValueKind.Number && d.GetInt32() != 0)).ToArray();
                var count = left.Length;
                if (count == 0 || right.Length != count || features.Length != count || conditions.Length != count || defaultLeft.Length != count)
                {
                    reason = "a tree with inconsistent node arrays";
                    return null;
                }

                if (!IsTree(left, right, features, featureCount))
                {
                    reason = "a tree whose nodes do not form a tree";
                    return null;
                }

                var offset = nodes.Count;
                roots.Add(offset);
                for (var i = 0; i < count; i++)
                {
                    if (left[i] < 0)
                    {
                        nodes.Add(new Node(-1, -1, -1, -1, conditions[i]));
                    }
                    else
                    {
                        var l = offset + left[i];
                        var r = offset + right[i];
                        nodes.Add(new Node(l, r, defaultLeft[i] ? l : r, features[i], conditions[i]));
                        if ((uint)features[i] < (uint)featureCount)
                        {
                            // Deleted (unreachable) nodes may carry a sentinel feature index.
                            thresholds[features[i]].Add(conditions[i]);
                        }
                    }
                }
            }

            if (roots.Count == 0)
            {
                reason = "no trees";
                return null;
            }

            reason = string.Empty;
            return new CompiledForest([.. nodes], [.. roots], baseMargin, featureCount, thresholds.Select(t => (IReadOnlyList<float>)t.ToArray()).ToArray());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or OverflowException)
        {
            reason = "the JSON is not an XGBoost 1.x model: " + e.Message;
            return null;
        }
    }

    /// <summary>P(label = 1) for each row of <paramref name="values"/> (row-major, <see cref="FeatureCount"/> per row).</summary>
    public float[] PredictProbabilities(ReadOnlySpan<float> values, int rows)
    {
        var result = new float[rows];
        ref var nodes = ref MemoryMarshal.GetArrayDataReference(_nodes);
        for (var r = 0; r < rows; r++)
        {
            var row = values.Slice(r * FeatureCount, FeatureCount);
            var margin = _baseMargin;
            foreach (var root in _roots)
            {
                ref var node = ref Unsafe.Add(ref nodes, root);
                while (node.Feature >= 0)
                {
                    var value = row[node.Feature];
                    var next = value < node.Value ? node.Left : float.IsNaN(value) ? node.Default : node.Right;
                    node = ref Unsafe.Add(ref nodes, next);
                }

                margin += node.Value;
            }

            result[r] = Sigmoid(margin);
        }

        return result;
    }

    /// <summary>
    /// Compares this evaluator with <paramref name="reference"/> (libxgboost) on probe rows made from the model's
    /// thresholds; returns null when every probability is bit-identical, else what differed.
    /// </summary>
    public string? VerifyAgainst(Func<float[], int, float[]> reference, int rows = 512)
    {
        var random = new Random(20240229);
        var values = new float[rows * FeatureCount];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < FeatureCount; c++)
            {
                var cuts = Thresholds[c];
                values[(r * FeatureCount) + c] = r == 0 ? float.NaN
                    : cuts.Count == 0 ? (float)((random.NextDouble() * 2) - 1)
                    : random.Next(8) switch
                    {
                        0 => float.NaN,
                        1 => cuts[random.Next(cuts.Count)],
                        2 => MathF.BitDecrement(cuts[random.Next(cuts.Count)]),
                        3 => MathF.BitIncrement(cuts[random.Next(cuts.Count)]),
                        4 => cuts[0] - 1000f,
                        5 => cuts[^1] + 1000f,
                        _ => Lerp(cuts[random.Next(cuts.Count)], cuts[random.Next(cuts.Count)], random.NextSingle()),
                    };
            }
        }

        var expected = reference(values, rows);
        var actual = PredictProbabilities(values, rows);
        for (var r = 0; r < rows; r++)
        {
            if (BitConverter.SingleToInt32Bits(expected[r]) != BitConverter.SingleToInt32Bits(actual[r]))
            {
                return $"probe row {r}: libxgboost {expected[r]:R}, compiled {actual[r]:R}";
            }
        }

        return null;
    }

    // common::Sigmoid of libxgboost 1.7, operation for operation.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Sigmoid(float margin)
    {
        var x = -margin;
        if (MaxExponent < x)
        {
            x = MaxExponent;
        }

        var denominator = MathF.Exp(x) + 1.0f + Epsilon;
        return 1.0f / denominator;
    }

    private static float Lerp(float a, float b, float t) => a + ((b - a) * t);

    private static long Number(JsonElement parent, string name)
    {
        var element = parent.GetProperty(name);
        return element.ValueKind == JsonValueKind.String
            ? long.Parse(element.GetString()!, NumberStyles.Integer, CultureInfo.InvariantCulture)
            : element.GetInt64();
    }

    private static int[] Ints(JsonElement tree, string name) =>
        tree.GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();

    // Every node reachable once from the root, children in range, split features in range: a walk always ends.
    private static bool IsTree(int[] left, int[] right, int[] features, int featureCount)
    {
        var seen = new bool[left.Length];
        var pending = new Stack<int>();
        pending.Push(0);
        seen[0] = true;
        while (pending.Count > 0)
        {
            var n = pending.Pop();
            if (left[n] < 0)
            {
                continue;
            }

            if ((uint)features[n] >= (uint)featureCount)
            {
                return false;
            }

            foreach (var child in new[] { left[n], right[n] })
            {
                if ((uint)child >= (uint)left.Length || seen[child])
                {
                    return false;
                }

                seen[child] = true;
                pending.Push(child);
            }
        }

        return true;
    }

    [StructLayout(LayoutKind.Sequential)]
    private readonly record struct Node(int Left, int Right, int Default, int Feature, float Value);
}
