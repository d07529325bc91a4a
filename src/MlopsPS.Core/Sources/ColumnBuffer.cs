using MlopsPS.Core.Tables;

namespace MlopsPS.Core.Sources;

/// <summary>
/// Accumulates the values of one column for the batch being built, in an array of the column's CLR type, so readers
/// never box a value. <see cref="Take"/> hands the array over and starts the next batch.
/// </summary>
internal sealed class ColumnBuffer
{
    private readonly int _capacity;
    private Array _values;

    public ColumnBuffer(ColumnSpec spec, int capacity)
    {
        Spec = spec;
        _capacity = capacity;
        _values = spec.CreateArray(capacity);
    }

    public ColumnSpec Spec { get; }

    public int Count { get; private set; }

    /// <summary>Appends a null; the caller has checked the column is nullable.</summary>
    public void AppendNull()
    {
        // A new array already holds null (or default for strings) in every slot.
        Count++;
    }

    public void Append(bool value)
    {
        if (Spec.Nullable)
        {
            ((bool?[])_values)[Count++] = value;
        }
        else
        {
            ((bool[])_values)[Count++] = value;
        }
    }

    public void Append(int value)
    {
        if (Spec.Nullable)
        {
            ((int?[])_values)[Count++] = value;
        }
        else
        {
            ((int[])_values)[Count++] = value;
        }
    }

    public void Append(long value)
    {
        if (Spec.Nullable)
        {
            ((long?[])_values)[Count++] = value;
        }
        else
        {
            ((long[])_values)[Count++] = value;
        }
    }

    public void Append(float value)
    {
        if (Spec.Nullable)
        {
            ((float?[])_values)[Count++] = value;
        }
        else
        {
            ((float[])_values)[Count++] = value;
        }
    }

    public void Append(double value)
    {
        if (Spec.Nullable)
        {
            ((double?[])_values)[Count++] = value;
        }
        else
        {
            ((double[])_values)[Count++] = value;
        }
    }

    public void Append(string value) => ((string?[])_values)[Count++] = value;

    /// <summary>Appends a timestamp, which must already be UTC.</summary>
    public void Append(DateTime value)
    {
        if (Spec.Nullable)
        {
            ((DateTime?[])_values)[Count++] = value;
        }
        else
        {
            ((DateTime[])_values)[Count++] = value;
        }
    }

    /// <summary>The values so far, in an array of exactly <see cref="Count"/>; the buffer starts empty again.</summary>
    public Array Take()
    {
        Array result;
        if (Count == _capacity)
        {
            result = _values;
            _values = Spec.CreateArray(_capacity);
        }
        else
        {
            result = Spec.CreateArray(Count);
            Array.Copy(_values, result, Count);
            Array.Clear(_values, 0, Count);
        }

        Count = 0;
        return result;
    }
}
