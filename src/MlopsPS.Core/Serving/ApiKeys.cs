using System.Security.Cryptography;
using System.Text;

namespace MlopsPS.Core.Serving;

/// <summary>
/// API keys: the store keeps only a SHA-256 hash, and the host compares hashes in constant time. A fast hash is
/// right for keys that are long random tokens (the host hashes every request's key); a short key is refused, since
/// a hash of a guessable key can be guessed back.
/// </summary>
public static class ApiKeys
{
    /// <summary>The shortest key accepted.</summary>
    public const int MinimumLength = 16;

    /// <summary>The SHA-256 of the key's UTF-8 bytes, as lowercase hex.</summary>
    public static string Hash(string key)
    {
        Validate(key);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }

    /// <summary>Refuses a key that is too short or has characters an HTTP header cannot carry.</summary>
    public static void Validate(string key)
    {
        if (string.IsNullOrEmpty(key) || key.Length < MinimumLength)
        {
            throw new InvalidEndpointSettingException($"An API key needs at least {MinimumLength} characters; use a random one, e.g. (New-Guid).Guid.");
        }

        if (key.Any(c => c <= ' ' || c > '~'))
        {
            throw new InvalidEndpointSettingException("An API key may only hold printable ASCII characters without spaces (it travels in an HTTP header).");
        }
    }

    /// <summary>Whether <paramref name="presented"/> hashes to <paramref name="expectedHash"/> (32 bytes), in constant time.</summary>
    public static bool Matches(ReadOnlySpan<char> presented, ReadOnlySpan<byte> expectedHash)
    {
        if (presented.IsEmpty || presented.Length > 1024)
        {
            return false;
        }

        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(presented.Length)];
        var length = Encoding.UTF8.GetBytes(presented, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return CryptographicOperations.FixedTimeEquals(hash, expectedHash);
    }
}
