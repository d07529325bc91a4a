using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// A generator of labelled rows with a documented relationship between features and label, so that a pipeline can
/// be exercised end to end without external data: train, deploy, monitor drift, retrain.
/// </summary>
public interface ISyntheticDataset
{
    /// <summary>The registry name, such as <c>TelcoCellTowers</c>.</summary>
    string Name { get; }

    /// <summary>One sentence for <c>Get-Help</c> and completion tooltips.</summary>
    string Description { get; }

    /// <summary>The columns every generated batch has, in order.</summary>
    TableSchema Schema { get; }

    /// <summary>The label column (0/1, Int64).</summary>
    string Label { get; }

    /// <summary>The feature columns a model should train on when the user names none.</summary>
    IReadOnlyList<string> DefaultFeatures { get; }

    /// <summary>
    /// Generates <paramref name="rows"/> rows, in batches of at most <paramref name="batchSize"/> rows, lazily.
    /// The same <paramref name="seed"/> and <paramref name="drift"/> give the same rows, whatever the batch size.
    /// </summary>
    /// <param name="rows">How many rows, 0 or more.</param>
    /// <param name="seed">Any integer; batches meant to be distinct need distinct seeds (ids derive from it).</param>
    /// <param name="drift">Null for the reference distribution, or the drift to apply to this batch.</param>
    /// <param name="batchSize">The most rows in one <see cref="ColumnBatch"/>.</param>
    /// <exception cref="InvalidSourceArgumentException">A negative row count or a batch size below 1.</exception>
    IEnumerable<ColumnBatch> Generate(int rows, int seed, DriftSpec? drift = null, int batchSize = SourceDefaults.BatchSize);
}
