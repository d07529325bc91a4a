using MlopsPS.Core.Training;

namespace MlopsPS.Core.Tables;

/// <summary>
/// A planned read: which snapshot(s), which files, which columns. Planning reads only the catalog; the data is
/// read lazily, one row group at a time, so a scan of a huge table never holds it whole.
/// </summary>
public sealed class TableScan
{
    internal TableScan(string table, TableSchema schema, Snapshot? startSnapshot, Snapshot endSnapshot, IReadOnlyList<DataFile> files)
    {
        Table = table;
        Schema = schema;
        StartSnapshot = startSnapshot;
        EndSnapshot = endSnapshot;
        Files = files;
        RecordCount = files.Sum(f => f.RecordCount);
    }

    /// <summary>The table read.</summary>
    public string Table { get; }

    /// <summary>The columns read (the table's, or the projection), in order.</summary>
    public TableSchema Schema { get; }

    /// <summary>The start of an incremental read (exclusive); null otherwise.</summary>
    public Snapshot? StartSnapshot { get; }

    /// <summary>The snapshot read, or the end of an incremental read (inclusive).</summary>
    public Snapshot EndSnapshot { get; }

    /// <summary>The data files read, oldest first.</summary>
    public IReadOnlyList<DataFile> Files { get; }

    /// <summary>The number of rows the scan returns.</summary>
    public long RecordCount { get; }

    /// <summary>The rows, one batch per row group, oldest first.</summary>
    public IEnumerable<ColumnBatch> ReadBatches(CancellationToken cancellationToken = default)
    {
        foreach (var file in Files)
        {
            using var reader = DataFileReader.Open(file, Schema, cancellationToken);
            for (var group = 0; group < reader.RowGroupCount; group++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return reader.ReadBatch(group, Schema, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Reads numeric and boolean <paramref name="columns"/> into one row-major float32 matrix, converting
    /// straight from the column arrays (booleans as 0/1, nulls as NaN). Any other column type is refused with
    /// <see cref="NonNumericColumnException"/> before anything is read.
    /// </summary>
    public FeatureMatrix ReadFloatMatrix(IReadOnlyList<string> columns, CancellationToken cancellationToken = default)
    {
        var projected = ProjectNumeric(columns);
        var targets = new MatrixTargets(RecordCount, projected.Columns.Count);
        Fill(projected, targets, cancellationToken);
        return new FeatureMatrix(targets.Matrices[0], (int)RecordCount, projected.ColumnNames.ToArray());
    }

    /// <summary>
    /// Reads numeric and boolean <paramref name="columns"/> into several row-major float32 matrices in one pass, as
    /// <see cref="ReadFloatMatrix"/> does into one: row r of the scan goes to matrix <c>partOfRow[r]</c> (0 to
    /// <paramref name="parts"/> - 1), after the rows before it. This is the split of a matrix by index lists
    /// (<see cref="FeatureMatrix.SelectRows"/> with ascending rows) without the whole matrix ever being built.
    /// </summary>
    /// <param name="partOfRow">One part number per row of the scan (<see cref="RecordCount"/> of them).</param>
    public IReadOnlyList<FeatureMatrix> ReadFloatMatrices(
        IReadOnlyList<string> columns, byte[] partOfRow, int parts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partOfRow);
        ArgumentOutOfRangeException.ThrowIfLessThan(parts, 1);
        if (partOfRow.Length != RecordCount)
        {
            throw new InvalidTableArgumentException(nameof(partOfRow), $"{partOfRow.Length} part numbers for a scan of {RecordCount} rows.");
        }

        var projected = ProjectNumeric(columns);
        var targets = new MatrixTargets(partOfRow, parts, projected.Columns.Count);
        Fill(projected, targets, cancellationToken);
        var names = projected.ColumnNames.ToArray();
        return targets.Matrices.Select(values => new FeatureMatrix(values, values.Length / names.Length, names)).ToArray();
    }

    private TableSchema ProjectNumeric(IReadOnlyList<string> columns)
    {
        if (columns.Count == 0)
        {
            throw new InvalidTableArgumentException(nameof(columns), "Name at least one column to read into a matrix.");
        }

        var projected = Schema.Project(columns);
        var nonNumeric = projected.Columns.Where(c => !c.IsNumeric).ToArray();
        if (nonNumeric.Length > 0)
        {
            throw new NonNumericColumnException(nonNumeric);
        }

        if (RecordCount * projected.Columns.Count > Array.MaxLength)
        {
            throw new InvalidTableArgumentException(
                nameof(columns), $"{RecordCount} rows x {projected.Columns.Count} columns is too large for one matrix; read fewer rows or columns.");
        }

        return projected;
    }

    private void Fill(TableSchema projected, MatrixTargets targets, CancellationToken cancellationToken)
    {
        var buffers = new Array?[projected.Columns.Count];
        long row = 0;
        foreach (var file in Files)
        {
            var fileStart = row;
            using var reader = DataFileReader.Open(file, projected, cancellationToken);
            try
            {
                for (var group = 0; group < reader.RowGroupCount; group++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    row += reader.ReadIntoMatrix(group, targets, buffers, cancellationToken);
                }
            }
            catch (InvalidDataException e)
            {
                throw new DataFileUnavailableException(file.Path, e);
            }

            if (row - fileStart != file.RecordCount)
            {
                throw new DataFileUnavailableException(
                    file.Path, new InvalidDataException($"The file holds {row - fileStart} rows; the catalog records {file.RecordCount}."));
            }
        }
    }
}
