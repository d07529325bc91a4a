using MlopsPS.Core.Sources;

namespace MlopsPS.Core.Tests.Sources;

public class Xoshiro256StarStarTests
{
    [Fact]
    public void NextUInt64_MatchesTheReferenceImplementation()
    {
        // Outputs of Vigna's xoshiro256starstar.c from the state {1, 2, 3, 4}.
        var rng = new Xoshiro256StarStar(1, 2, 3, 4);

        Assert.Equal([11520UL, 0UL, 1509978240UL, 1215971899390074240UL], [rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64(), rng.NextUInt64()]);
    }

    [Fact]
    public void SplitMix64_MatchesTheReferenceImplementation()
    {
        // Outputs of Vigna's splitmix64.c from the state 0.
        ulong state = 0;

        Assert.Equal(0xE220A8397B1DCDAFUL, Xoshiro256StarStar.SplitMix64(ref state));
        Assert.Equal(0x6E789E6AA1B965F4UL, Xoshiro256StarStar.SplitMix64(ref state));
    }

    [Fact]
    public void NextInt_StaysInRangeAndCoversIt()
    {
        var rng = Xoshiro256StarStar.ForStream(1, 1);
        var counts = new int[7];
        for (var i = 0; i < 70_000; i++)
        {
            counts[rng.NextInt(7)]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_000, 11_000));
    }

    [Fact]
    public void ForStream_GivesIndependentStreamsPerSeedAndStream()
    {
        var a = Xoshiro256StarStar.ForStream(1, 1).NextUInt64();
        var b = Xoshiro256StarStar.ForStream(1, 2).NextUInt64();
        var c = Xoshiro256StarStar.ForStream(2, 1).NextUInt64();

        Assert.Equal(3, new[] { a, b, c }.Distinct().Count());
        Assert.Equal(a, Xoshiro256StarStar.ForStream(1, 1).NextUInt64());
    }
}
