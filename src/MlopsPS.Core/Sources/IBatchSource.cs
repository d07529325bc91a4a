using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// A file whose rows can be streamed as <see cref="ColumnBatch"/>es, with the schema known before the first batch, so
/// an append can check the schema against the table before writing anything.
/// </summary>
public interface IBatchSource
{
    /// <summary>The schema every batch has.</summary>
    TableSchema Schema { get; }

    /// <summary>Streams the rows; each call reads the source again from its start.</summary>
    /// <exception cref="InvalidSourceDataException">The data is malformed or does not fit <see cref="Schema"/>.</exception>
    IEnumerable<ColumnBatch> ReadBatches(CancellationToken cancellationToken = default);
}
