using System.Globalization;
using System.Security.Cryptography;

namespace MlopsPS.Core.Tracking;

/// <summary>Readable names for runs that were not given one, in MLflow's adjective-noun-number style.</summary>
internal static class RunNames
{
    private static readonly string[] s_adjectives =
    [
        "amber", "bold", "brisk", "calm", "clever", "crisp", "daring", "eager", "gentle", "glad", "keen", "lively",
        "lucid", "merry", "nimble", "quiet", "rapid", "sharp", "steady", "sunny", "swift", "tidy", "vivid", "wise",
    ];

    private static readonly string[] s_nouns =
    [
        "antenna", "beacon", "cable", "circuit", "comet", "falcon", "harbor", "lantern", "meadow", "otter", "pine",
        "quartz", "relay", "river", "signal", "sparrow", "summit", "tower", "tundra", "valley", "willow", "zephyr",
    ];

    public static string Generate() => string.Create(CultureInfo.InvariantCulture,
        $"{s_adjectives[RandomNumberGenerator.GetInt32(s_adjectives.Length)]}-{s_nouns[RandomNumberGenerator.GetInt32(s_nouns.Length)]}-{RandomNumberGenerator.GetInt32(1000)}");
}
