using System.Net;
using System.Text.RegularExpressions;

namespace MlopsPS.Core.Serving;

/// <summary>Rules for endpoint names and bind addresses.</summary>
public static partial class EndpointNames
{
    /// <summary>
    /// Refuses a name that is not 1 to 63 letters, digits, '.', '_' or '-' starting with a letter or digit (it names
    /// the host's log file and appears in URLs and process lists).
    /// </summary>
    public static void Validate(string name)
    {
        if (name is null || !NamePattern().IsMatch(name))
        {
            throw new InvalidEndpointSettingException(
                $"'{name}' is not a valid endpoint name: use 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }
    }

    /// <summary>Parses a bind address: an IP address, <c>localhost</c>, or <c>*</c> (all IPv4 interfaces).</summary>
    public static IPAddress ParseBindAddress(string address)
    {
        if (string.Equals(address, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.Loopback;
        }

        if (address is "*" or "+")
        {
            return IPAddress.Any;
        }

        return IPAddress.TryParse(address, out var parsed)
            ? parsed
            : throw new InvalidEndpointSettingException($"'{address}' is not a bind address: use an IP address such as 127.0.0.1 or 0.0.0.0, or localhost.");
    }

    /// <summary>Whether only this machine can reach the address.</summary>
    public static bool IsLoopback(string address) => IPAddress.IsLoopback(ParseBindAddress(address));

    /// <summary>The host part of a URL that reaches an endpoint bound to <paramref name="address"/> from this machine.</summary>
    public static string LocalUrlHost(string address)
    {
        var ip = ParseBindAddress(address);
        if (ip.Equals(IPAddress.Any))
        {
            return "127.0.0.1";
        }

        if (ip.Equals(IPAddress.IPv6Any))
        {
            return "[::1]";
        }

        return ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{ip}]" : ip.ToString();
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")]
    private static partial Regex NamePattern();
}
