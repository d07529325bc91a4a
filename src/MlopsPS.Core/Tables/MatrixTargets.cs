using System.Runtime.CompilerServices;

namespace MlopsPS.Core.Tables;

/// <summary>
/// The row-major float32 matrices a scan is read into, and which matrix each row of the scan goes to: all into one,
/// in scan order, or each into the matrix its part number names (a train/test split), in scan order within each.
/// Row groups are filled one after another: <see cref="Scatter"/> each column of a group, then <see cref="EndGroup"/>.
/// </summary>
internal sealed class MatrixTargets
{
    private readonly float[][] _matrices;
    private readonly byte[]? _partOfRow;
    private readonly int _width;
    // Per matrix, the rows filled by the groups before the current one.
    private readonly int[] _filled;
    private long _scanRow;
    private float[] _column = [];

    /// <summary>One matrix for all <paramref name="rows"/> rows.</summary>
    public MatrixTargets(long rows, int width)
    {
        _matrices = [new float[checked((int)(rows * width))]];
        _width = width;
        _filled = new int[1];
    }

    /// <summary>Matrix <c>partOfRow[r]</c> (0 to <paramref name="parts"/> - 1) for row r of the scan.</summary>
    public MatrixTargets(byte[] partOfRow, int parts, int width)
    {
        var counts = new long[parts];
        foreach (var part in partOfRow)
        {
            if (part >= parts)
            {
                throw new ArgumentException($"Part {part} is not below the {parts} parts asked for.", nameof(partOfRow));
            }

            counts[part]++;
        }

        _matrices = counts.Select(count => new float[checked((int)(count * width))]).ToArray();
        _partOfRow = partOfRow;
        _width = width;
        _filled = new int[parts];
    }

    /// <summary>The matrices, in part order.</summary>
    public IReadOnlyList<float[]> Matrices => _matrices;

    /// <summary>Checks that a group of <paramref name="rows"/> rows still fits.</summary>
    public bool Fits(int rows) =>
        _partOfRow is null ? (long)(_filled[0] + rows) * _width <= _matrices[0].Length : _scanRow + rows <= _partOfRow.Length;

    /// <summary>Writes one column of the current group (its first <paramref name="rows"/> values) as column <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scatter(Array values, int rows, int index)
    {
        if (_partOfRow is null)
        {
            FloatScatter.Scatter(values, rows, _matrices[0], (_filled[0] * _width) + index, _width);
            return;
        }

        // Converted once into a float column, then dealt out row by row.
        if (_column.Length < rows)
        {
            _column = new float[rows];
        }

        FloatScatter.Scatter(values, rows, _column, 0, 1);
        Span<int> next = stackalloc int[_filled.Length];
        for (var p = 0; p < next.Length; p++)
        {
            next[p] = (_filled[p] * _width) + index;
        }

        var parts = _partOfRow.AsSpan(checked((int)_scanRow), rows);
        for (var i = 0; i < parts.Length; i++)
        {
            var part = parts[i];
            _matrices[part][next[part]] = _column[i];
            next[part] += _width;
        }
    }

    /// <summary>Moves past the current group of <paramref name="rows"/> rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void EndGroup(int rows)
    {
        if (_partOfRow is null)
        {
            _filled[0] += rows;
        }
        else
        {
            foreach (var part in _partOfRow.AsSpan(checked((int)_scanRow), rows))
            {
                _filled[part]++;
            }
        }

        _scanRow += rows;
    }
}
