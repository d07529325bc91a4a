using System.Numerics;

namespace MlopsPS.Core.Sources;

/// <summary>
/// The xoshiro256** generator of Blackman and Vigna, seeded through SplitMix64. We carry our own generator because
/// "same seed, same rows" is a promise to users (a batch can be regenerated for a bug report or a lab), and the
/// algorithm behind <see cref="System.Random"/> is not a documented contract and has changed between .NET versions.
/// A mutable struct: the generators keep one per column in a local while filling an array, so the state stays in
/// registers.
/// </summary>
internal struct Xoshiro256StarStar
{
    private const ulong GoldenGamma = 0x9E3779B97F4A7C15UL;
    private const double DoubleUnit = 1.0 / (1UL << 53);

    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Starts from a raw state (used by the reference-vector test); the state must not be all zero.</summary>
    internal Xoshiro256StarStar(ulong s0, ulong s1, ulong s2, ulong s3)
    {
        if ((s0 | s1 | s2 | s3) == 0)
        {
            throw new ArgumentException("The xoshiro256** state cannot be all zero.");
        }

        _s0 = s0;
        _s1 = s1;
        _s2 = s2;
        _s3 = s3;
    }

    /// <summary>
    /// The generator for one stream of one seed: SplitMix64 started at <c>(uint)seed &lt;&lt; 32 | stream</c> fills the
    /// state. Each column of a synthetic dataset reads its own stream, so a column's values do not depend on how the
    /// rows are cut into batches nor on the other columns.
    /// </summary>
    public static Xoshiro256StarStar ForStream(int seed, int stream)
    {
        var splitMix = ((ulong)(uint)seed << 32) | (uint)stream;
        return new Xoshiro256StarStar(
            SplitMix64(ref splitMix),
            SplitMix64(ref splitMix),
            SplitMix64(ref splitMix),
            SplitMix64(ref splitMix));
    }

    /// <summary>One SplitMix64 step (Steele, Lea and Flood), the seeding Vigna recommends for xoshiro.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        state += GoldenGamma;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * DoubleUnit;

    /// <summary>
    /// An integer in [0, <paramref name="n"/>) by Lemire's multiply-shift on the top 32 bits, without rejection:
    /// the bias is below n / 2^32, far under anything a test or a model could see, and one draw per value keeps
    /// every stream aligned with its row.
    /// </summary>
    public int NextInt(int n) => (int)(((NextUInt64() >> 32) * (ulong)(uint)n) >> 32);

    /// <summary>A standard normal value by Box-Muller (the second value is dropped: one draw pair per row).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble(); // (0, 1]: the logarithm stays finite
        var u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }
}
