using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.Core.Serving;

/// <summary>The manager's HTTP calls to a host: health, version, and the control routes.</summary>
internal static class HostClient
{
    private static readonly HttpClient s_http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionLifetime = TimeSpan.FromSeconds(30),
        UseProxy = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>The live health: 200 = a model is loaded, 404 = none; anything else (or no answer) = not responding.</summary>
    public static EndpointHealth CheckHealth(string baseUrl, TimeSpan timeout)
    {
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var response = s_http.GetAsync(baseUrl + "/health", cancel.Token).GetAwaiter().GetResult();
            return response.StatusCode switch
            {
                HttpStatusCode.OK => EndpointHealth.Healthy,
                HttpStatusCode.NotFound => EndpointHealth.NoModel,
                _ => EndpointHealth.NotResponding,
            };
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return EndpointHealth.NotResponding;
        }
    }

    public static VersionInfo? GetVersion(string baseUrl, TimeSpan timeout)
    {
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var response = s_http.GetAsync(baseUrl + "/version", cancel.Token).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode
                ? response.Content.ReadFromJsonAsync<VersionInfo>(cancel.Token).GetAwaiter().GetResult()
                : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Tells the host to load and swap in a version; a refusal is a <see cref="DeploymentRejectedException"/>.</summary>
    public static DeployAnswer Deploy(string baseUrl, string controlToken, DeployCommand command, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + HostControl.DeployPath)
        {
            Content = JsonContent.Create(command, options: HostControl.JsonOptions),
        };
        request.Headers.Add(HostControl.TokenHeader, controlToken);
        try
        {
            using var response = s_http.SendAsync(request, cancel.Token).GetAwaiter().GetResult();
            var body = response.Content.ReadAsStringAsync(cancel.Token).GetAwaiter().GetResult();
            if (response.IsSuccessStatusCode)
            {
                return JsonSerializer.Deserialize<DeployAnswer>(body, HostControl.JsonOptions)
                    ?? throw new EndpointHostException("The host answered the deploy with an empty body.");
            }

            var message = ErrorMessage(body) ?? $"HTTP {(int)response.StatusCode}";
            if ((int)response.StatusCode is >= 400 and < 500 && response.StatusCode != HttpStatusCode.Unauthorized)
            {
                throw new DeploymentRejectedException($"The host refused {command.ModelName} version {command.Version}; the previous version keeps serving. {message}");
            }

            throw new EndpointHostException($"The host did not deploy {command.ModelName} version {command.Version}: {message}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or JsonException)
        {
            throw new EndpointHostException($"The host at {baseUrl} did not answer the deploy of {command.ModelName} version {command.Version}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Tells a running host to apply settings that need no new model. A host that does not answer is not an error:
    /// the setting is in the catalog, and the host reads it when it starts again.
    /// </summary>
    public static bool ApplySettings(string baseUrl, string controlToken, SettingsCommand command, TimeSpan timeout)
    {
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + HostControl.SettingsPath)
            {
                Content = JsonContent.Create(command, options: HostControl.JsonOptions),
            };
            request.Headers.Add(HostControl.TokenHeader, controlToken);
            using var response = s_http.SendAsync(request, cancel.Token).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    /// <summary>Asks the host to finish its requests and exit; false when it did not answer.</summary>
    public static bool RequestShutdown(string baseUrl, string controlToken, TimeSpan timeout)
    {
        try
        {
            using var cancel = new CancellationTokenSource(timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + HostControl.ShutdownPath);
            request.Headers.Add(HostControl.TokenHeader, controlToken);
            using var response = s_http.SendAsync(request, cancel.Token).GetAwaiter().GetResult();
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return false;
        }
    }

    internal static string? ErrorMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("message", out var message) ? message.GetString() : body;
        }
        catch (JsonException)
        {
            return string.IsNullOrWhiteSpace(body) ? null : body;
        }
    }
}
