using System.Globalization;
using System.Runtime.CompilerServices;

namespace MlopsPS.Core.Training;

/// <summary>
/// A deterministic train/test split of row indices that keeps the share of positive labels the same on
/// both sides (sklearn's <c>train_test_split(..., stratify=y)</c>).
/// </summary>
/// <remarks>
/// Each class is shuffled with its own seeded SplitMix64 generator and its first
/// round(count x testFraction) rows go to the test side. SplitMix64 is written out here rather than
/// <see cref="Random"/> so that a seed means the same split on every .NET version and platform, which
/// a re-run of a recorded experiment depends on. Indices on each side are in ascending row order.
/// </remarks>
public sealed class StratifiedSplit
{
    /// <summary>The lab's test share.</summary>
    public const double DefaultTestFraction = 0.3;

    /// <summary>The side of each row: <see cref="TrainSide"/> or <see cref="TestSide"/>.</summary>
    internal const byte TrainSide = 0;

    /// <inheritdoc cref="TrainSide"/>
    internal const byte TestSide = 1;

    private readonly int[] _trainRows;
    private readonly int[] _testRows;

    private StratifiedSplit(byte[] sides, int[] trainRows, int[] testRows)
    {
        RowSides = sides;
        _trainRows = trainRows;
        _testRows = testRows;
    }

    /// <summary>Row indices of the training side, ascending.</summary>
    public IReadOnlyList<int> TrainRows => Array.AsReadOnly(_trainRows);

    /// <summary>Row indices of the test side, ascending.</summary>
    public IReadOnlyList<int> TestRows => Array.AsReadOnly(_testRows);

    /// <summary>
    /// The side of every row (<see cref="TrainSide"/> or <see cref="TestSide"/>), as a scan takes it to read each
    /// side straight into its own matrix (<see cref="Tables.TableScan.ReadFloatMatrices"/>). Not to be changed.
    /// </summary>
    internal byte[] RowSides { get; }

    /// <summary>Splits the rows of <paramref name="labels"/> (0/1 values).</summary>
    /// <exception cref="ArgumentException">A label other than 0 or 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> not strictly between 0 and 1.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static StratifiedSplit Create(ReadOnlySpan<float> labels, double testFraction = DefaultTestFraction, ulong seed = 0)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be between 0 and 1.");
        }

        var positiveCount = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            switch (labels[i])
            {
                case 0f: break;
                case 1f: positiveCount++; break;
                default:
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture, $"Label {labels[i]} at row {i} is not 0 or 1."), nameof(labels));
            }
        }

        var negatives = new int[labels.Length - positiveCount];
        var positives = new int[positiveCount];
        for (int i = 0, n = 0, p = 0; i < labels.Length; i++)
        {
            if (labels[i] == 1f)
            {
                positives[p++] = i;
            }
            else
            {
                negatives[n++] = i;
            }
        }

        // Different streams per class, so adding rows of one class does not reshuffle the other.
        var sides = new byte[labels.Length];
        var testCount = MarkTest(negatives, testFraction, seed, sides) + MarkTest(positives, testFraction, seed ^ 0x9E3779B97F4A7C15UL, sides);

        // Each side's rows in ascending order, read off the marks (no sort needed).
        var train = new int[labels.Length - testCount];
        var test = new int[testCount];
        for (int i = 0, r = 0, t = 0; i < sides.Length; i++)
        {
            if (sides[i] == TestSide)
            {
                test[t++] = i;
            }
            else
            {
                train[r++] = i;
            }
        }

        return new StratifiedSplit(sides, train, test);
    }

    /// <summary>The training rows of <paramref name="features"/> and <paramref name="labels"/>.</summary>
    public (FeatureMatrix Features, float[] Labels) SelectTrain(FeatureMatrix features, ReadOnlySpan<float> labels) =>
        Select(_trainRows, features, labels);

    /// <summary>The test rows of <paramref name="features"/> and <paramref name="labels"/>.</summary>
    public (FeatureMatrix Features, float[] Labels) SelectTest(FeatureMatrix features, ReadOnlySpan<float> labels) =>
        Select(_testRows, features, labels);

    /// <summary>The labels of the training rows and of the test rows, in row order.</summary>
    public (float[] Train, float[] Test) SplitLabels(ReadOnlySpan<float> labels)
    {
        CheckLength(labels.Length);
        return (SelectLabels(_trainRows, labels), SelectLabels(_testRows, labels));
    }

    private static (FeatureMatrix, float[]) Select(int[] rows, FeatureMatrix features, ReadOnlySpan<float> labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Rows != labels.Length)
        {
            throw new ArgumentException($"{features.Rows} rows but {labels.Length} labels.", nameof(labels));
        }

        return (features.SelectRows(rows), SelectLabels(rows, labels));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float[] SelectLabels(int[] rows, ReadOnlySpan<float> labels)
    {
        var selected = new float[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            selected[i] = labels[rows[i]];
        }

        return selected;
    }

    private void CheckLength(int labels)
    {
        if (labels != RowSides.Length)
        {
            throw new ArgumentException($"The split has {RowSides.Length} rows but there are {labels} labels.", nameof(labels));
        }
    }

    // Shuffles one class's rows and marks the first round(count x testFraction) of them as test rows; returns how many.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int MarkTest(int[] rows, double testFraction, ulong seed, byte[] sides)
    {
        var state = seed;
        // Fisher-Yates with an unbiased bounded draw.
        for (var i = rows.Length - 1; i > 0; i--)
        {
            var j = (int)NextBelow(ref state, (ulong)(i + 1));
            (rows[i], rows[j]) = (rows[j], rows[i]);
        }

        var testCount = (int)Math.Round(rows.Length * testFraction, MidpointRounding.AwayFromZero);
        for (var i = 0; i < testCount; i++)
        {
            sides[rows[i]] = TestSide;
        }

        return testCount;
    }

    private static ulong NextBelow(ref ulong state, ulong bound)
    {
        // Rejection sampling removes the modulo bias.
        var limit = ulong.MaxValue - (ulong.MaxValue % bound);
        ulong value;
        do
        {
            value = SplitMix64(ref state);
        }
        while (value >= limit);

        return value % bound;
    }

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
