using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// What every synthetic dataset shares: argument checks (eager, not deferred to the first enumeration), and cutting
/// the requested rows into batches. A concrete dataset only says how to fill the next <c>n</c> rows.
/// </summary>
public abstract class SyntheticDataset : ISyntheticDataset
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string Description { get; }

    /// <inheritdoc />
    public abstract TableSchema Schema { get; }

    /// <inheritdoc />
    public abstract string Label { get; }

    /// <inheritdoc />
    public abstract IReadOnlyList<string> DefaultFeatures { get; }

    /// <inheritdoc />
    public IEnumerable<ColumnBatch> Generate(int rows, int seed, DriftSpec? drift = null, int batchSize = SourceDefaults.BatchSize)
    {
        if (rows < 0)
        {
            throw new InvalidSourceArgumentException(nameof(rows), $"The row count cannot be negative, got {rows}.");
        }

        if (batchSize < 1)
        {
            throw new InvalidSourceArgumentException(nameof(batchSize), $"The batch size must be at least 1, got {batchSize}.");
        }

        return Batches(CreateFiller(seed, drift?.Magnitude ?? 0.0), rows, batchSize);
    }

    /// <summary>Starts a filler for one generation: it owns the random streams, which carry over between batches.</summary>
    private protected abstract BatchFiller CreateFiller(int seed, double driftMagnitude);

    private static IEnumerable<ColumnBatch> Batches(BatchFiller filler, int rows, int batchSize)
    {
        for (var first = 0; first < rows; first += batchSize)
        {
            yield return filler.Fill(first, Math.Min(batchSize, rows - first));
        }
    }

    /// <summary>Fills consecutive row ranges of one generation.</summary>
    private protected abstract class BatchFiller
    {
        /// <summary>Rows <paramref name="firstRow"/> .. <paramref name="firstRow"/> + <paramref name="count"/> - 1.</summary>
        public abstract ColumnBatch Fill(int firstRow, int count);
    }
}
