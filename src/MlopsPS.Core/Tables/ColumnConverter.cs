namespace MlopsPS.Core.Tables;

/// <summary>
/// Copies values between column arrays whose types <see cref="SchemaCompatibility"/> accepts: same type, plain
/// into nullable, and the two widenings (Int32 to Int64, Float to Double).
/// </summary>
internal static class ColumnConverter
{
    public static void Copy(Array source, int sourceIndex, Array destination, int destinationIndex, int length)
    {
        if (source.GetType() == destination.GetType())
        {
            Array.Copy(source, sourceIndex, destination, destinationIndex, length);
            return;
        }

        switch (source, destination)
        {
            // Array.Copy widens primitives itself.
            case (int[], long[]):
            case (float[], double[]):
                Array.Copy(source, sourceIndex, destination, destinationIndex, length);
                break;
            case (bool[] s, bool?[] d): Lift(s, sourceIndex, d, destinationIndex, length); break;
            case (int[] s, int?[] d): Lift(s, sourceIndex, d, destinationIndex, length); break;
            case (long[] s, long?[] d): Lift(s, sourceIndex, d, destinationIndex, length); break;
            case (float[] s, float?[] d): Lift(s, sourceIndex, d, destinationIndex, length); break;
            case (double[] s, double?[] d): Lift(s, sourceIndex, d, destinationIndex, length); break;
            case (DateTime[] s, DateTime?[] d): Lift(s, sourceIndex, d, destinationIndex, length); break;
            case (int[] s, long?[] d):
                for (var i = 0; i < length; i++)
                {
                    d[destinationIndex + i] = s[sourceIndex + i];
                }

                break;
            case (int?[] s, long?[] d):
                for (var i = 0; i < length; i++)
                {
                    d[destinationIndex + i] = s[sourceIndex + i];
                }

                break;
            case (float[] s, double?[] d):
                for (var i = 0; i < length; i++)
                {
                    d[destinationIndex + i] = s[sourceIndex + i];
                }

                break;
            case (float?[] s, double?[] d):
                for (var i = 0; i < length; i++)
                {
                    d[destinationIndex + i] = s[sourceIndex + i];
                }

                break;
            default:
                throw new InvalidOperationException(
                    $"Cannot convert {source.GetType().Name} to {destination.GetType().Name}; the schema check should have refused it.");
        }
    }

    private static void Lift<T>(T[] source, int sourceIndex, T?[] destination, int destinationIndex, int length)
        where T : struct
    {
        for (var i = 0; i < length; i++)
        {
            destination[destinationIndex + i] = source[sourceIndex + i];
        }
    }
}
