using System.Numerics;
using System.Runtime.CompilerServices;

namespace MlopsPS.Core.Tables;

/// <summary>
/// Writes one column of a row group into a row-major float matrix (every <c>stride</c>-th element), straight
/// from the typed column array: no per-row objects, no boxing. Nulls become NaN.
/// </summary>
internal static class FloatScatter
{
    public static void Scatter(Array source, int count, float[] destination, int start, int stride)
    {
        switch (source)
        {
            case double[] a: Dense(a, count, destination, start, stride); break;
            case double?[] a: Sparse(a, count, destination, start, stride); break;
            case float[] a: Dense(a, count, destination, start, stride); break;
            case float?[] a: Sparse(a, count, destination, start, stride); break;
            case long[] a: Dense(a, count, destination, start, stride); break;
            case long?[] a: Sparse(a, count, destination, start, stride); break;
            case int[] a: Dense(a, count, destination, start, stride); break;
            case int?[] a: Sparse(a, count, destination, start, stride); break;
            case bool[] a:
                for (int i = 0, j = start; i < count; i++, j += stride)
                {
                    destination[j] = a[i] ? 1f : 0f;
                }

                break;
            case bool?[] a:
                for (int i = 0, j = start; i < count; i++, j += stride)
                {
                    destination[j] = a[i] is { } v ? (v ? 1f : 0f) : float.NaN;
                }

                break;
            default:
                throw new InvalidOperationException($"{source.GetType().Name} is not a numeric column array.");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dense<T>(T[] source, int count, float[] destination, int start, int stride)
        where T : struct, INumberBase<T>
    {
        for (int i = 0, j = start; i < count; i++, j += stride)
        {
            destination[j] = float.CreateTruncating(source[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sparse<T>(T?[] source, int count, float[] destination, int start, int stride)
        where T : struct, INumberBase<T>
    {
        for (int i = 0, j = start; i < count; i++, j += stride)
        {
            destination[j] = source[i] is { } v ? float.CreateTruncating(v) : float.NaN;
        }
    }
}
