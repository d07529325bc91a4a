using System.Globalization;
using System.Text.RegularExpressions;

namespace MlopsPS.Benchmarks;

/// <summary>Just enough of NumPy's .npy format: little-endian float32, C order.</summary>
internal static partial class Npy
{
    public static (float[] Values, int[] Shape) ReadFloat32(string path)
    {
        using var stream = File.OpenRead(path);
        using var reader = new BinaryReader(stream);
        var magic = reader.ReadBytes(6);
        if (magic[0] != 0x93 || System.Text.Encoding.ASCII.GetString(magic, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException($"{path} is not a .npy file.");
        }

        var major = reader.ReadByte();
        reader.ReadByte();
        var headerLength = major == 1 ? reader.ReadUInt16() : (int)reader.ReadUInt32();
        var header = System.Text.Encoding.ASCII.GetString(reader.ReadBytes(headerLength));
        if (!header.Contains("'descr': '<f4'") || !header.Contains("'fortran_order': False"))
        {
            throw new InvalidDataException($"{path}: need little-endian float32 in C order; header {header}");
        }

        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();
        var count = shape.Aggregate(1, (a, b) => a * b);
        var values = new float[count];
        stream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        return (values, shape.Length == 1 ? [shape[0], 1] : shape);
    }

    public static void WriteFloat32(string path, float[] values, int columns = 1)
    {
        var shape = columns == 1 ? $"({values.Length},)" : $"({values.Length / columns}, {columns})";
        var header = $"{{'descr': '<f4', 'fortran_order': False, 'shape': {shape}, }}";
        // Pad so that the data starts on a 64-byte boundary, ending the header with a newline.
        var padded = header.PadRight(((10 + header.Length + 1 + 63) / 64 * 64) - 10 - 1) + "\n";
        using var stream = File.Create(path);
        stream.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        stream.Write(BitConverter.GetBytes((ushort)padded.Length));
        stream.Write(System.Text.Encoding.ASCII.GetBytes(padded));
        stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
