namespace MlopsPS.Core.Tables;

/// <summary>A column asked for in a float matrix holds strings or timestamps, which a model cannot take as is.</summary>
public sealed class NonNumericColumnException : MlopsException
{
    /// <summary>Creates the exception.</summary>
    public NonNumericColumnException(IReadOnlyList<ColumnSpec> columns)
        : base($"Only numeric and boolean columns can go into a float matrix; not: {string.Join(", ", columns)}.", MlopsErrorKind.InvalidArgument)
    {
        Columns = columns.Select(c => c.Name).ToArray();
    }

    /// <summary>The offending column names.</summary>
    public IReadOnlyList<string> Columns { get; }
}
