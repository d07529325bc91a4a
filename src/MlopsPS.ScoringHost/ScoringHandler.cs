using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using MlopsPS.Core.Models;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.ScoringHost;

/// <summary>Settings the manager may change while the host runs (with a deploy).</summary>
internal sealed class LiveSettings(byte[]? apiKeyHash, long maxBodyBytes)
{
    /// <summary>SHA-256 of the API key, or null when none is required.</summary>
    public byte[]? ApiKeyHash { get; } = apiKeyHash;

    public long MaxBodyBytes { get; } = maxBodyBytes;

    public static LiveSettings From(string? apiKeyHashHex, long maxBodyBytes) =>
        new(string.IsNullOrEmpty(apiKeyHashHex) ? null : Convert.FromHexString(apiKeyHashHex), maxBodyBytes);
}

/// <summary>
/// Every route of the host, dispatched by one terminal middleware (no routing tables on the request path):
/// MLflow's <c>/invocations</c>, <c>/ping</c>, <c>/health</c>, <c>/version</c>, and the manager's control routes.
/// </summary>
internal sealed class ScoringHandler
{
    private const string BenchmarkConstantPath = "/_bench/constant";
    private const int ControlBodyLimit = 64 * 1024;

    private static readonly byte[] s_healthBody = "\n"u8.ToArray();
    private static readonly byte[] s_constantBody = """{"predictions": [0]}"""u8.ToArray();
    private static readonly StringValues s_json = new("application/json");

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_output;

    private readonly ModelSlot _slot = new();
    private readonly SemaphoreSlim _deployGate = new(1, 1);
    private readonly string _endpointName;
    private readonly byte[] _controlToken;
    private readonly PredictionRecorder _recorder;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly bool _benchmarkRoutes;
    private volatile LiveSettings _settings;

    public ScoringHandler(string endpointName, string controlToken, LiveSettings settings, PredictionRecorder recorder, IHostApplicationLifetime lifetime, bool benchmarkRoutes)
    {
        _endpointName = endpointName;
        _controlToken = Encoding.UTF8.GetBytes(controlToken);
        _settings = settings;
        _recorder = recorder;
        _lifetime = lifetime;
        _benchmarkRoutes = benchmarkRoutes;
    }

    public ModelSlot Slot => _slot;

    public Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        var method = context.Request.Method;
        switch (path)
        {
            case "/invocations":
                return HttpMethods.IsPost(method) ? InvocationsAsync(context) : MethodNotAllowed(context, "POST");
            case "/ping" or "/health":
                return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? HealthAsync(context) : MethodNotAllowed(context, "GET");
            case "/version":
                return HttpMethods.IsGet(method) ? VersionAsync(context) : MethodNotAllowed(context, "GET");
            case HostControl.DeployPath when HttpMethods.IsPost(method):
                return DeployAsync(context);
            case HostControl.SettingsPath when HttpMethods.IsPost(method):
                return SettingsAsync(context);
            case HostControl.ShutdownPath when HttpMethods.IsPost(method):
                return ShutdownAsync(context);
            case BenchmarkConstantPath when _benchmarkRoutes && HttpMethods.IsPost(method):
                return ConstantAsync(context);
            default:
                return WriteErrorAsync(context, 404, ScoringErrorCode.NotFound, $"No route {method} {path}. This host serves POST /invocations, GET /ping, /health, /version.");
        }
    }

    private async Task InvocationsAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var request = context.Request;
        ServedModel? model = null;
        var reader = request.BodyReader;
        ReadResult read = default;
        var holdsBuffer = false;
        try
        {
            var csv = IsCsv(request.ContentType);
            var settings = _settings;
            var authenticated = settings.ApiKeyHash is null;
            if (!authenticated && PresentedKey(request) is { } presented)
            {
                authenticated = ApiKeys.Matches(presented, settings.ApiKeyHash);
                if (!authenticated)
                {
                    throw Unauthenticated("The API key is wrong.");
                }
            }

            var limit = settings.MaxBodyBytes;
            if (request.ContentLength > limit)
            {
                throw ScoringProtocolException.TooLarge(limit);
            }

            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted);
                holdsBuffer = true;
                if (read.Buffer.Length > limit)
                {
                    throw ScoringProtocolException.TooLarge(limit);
                }

                if (read.IsCompleted)
                {
                    break;
                }

                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                holdsBuffer = false;
            }

            model = _slot.Acquire() ?? throw new ScoringProtocolException(503, ScoringErrorCode.TemporarilyUnavailable, "No model is loaded yet.");
            ScoringInput input;
            try
            {
                input = csv ? ScoringRequestParser.ParseCsv(read.Buffer, model.Model.Schema) : ScoringRequestParser.ParseJson(read.Buffer, model.Model.Schema);
            }
            catch (ScoringProtocolException) when (!authenticated)
            {
                // Say nothing about the input to a caller who has not shown a key.
                throw Unauthenticated("An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'.");
            }

            if (!authenticated && !(input.AccessKey is { } accessKey && ApiKeys.Matches(accessKey, settings.ApiKeyHash)))
            {
                throw Unauthenticated(input.AccessKey is null
                    ? "An API key is required: send 'Authorization: Bearer <key>' or 'X-Api-Key: <key>'."
                    : "The API key is wrong.");
            }

            reader.AdvanceTo(read.Buffer.End);
            holdsBuffer = false;
            var probabilities = model.Model.PredictProbabilities(input.Values, input.Rows);
            var contributions = input.Explain ? model.Model.PredictContributions(input.Values, input.Rows) : null;

            var output = t_output ??= new ArrayBufferWriter<byte>(4096);
            output.ResetWrittenCount();
            var requestId = PredictionIds.NewRequestId();
            ScoringResponseWriter.WritePredictions(output, model.Model.Schema, probabilities, input.PredictProba, input.Wrapped, requestId, contributions);
            var response = context.Response;
            response.StatusCode = 200;
            var headers = response.Headers;
            headers.ContentType = s_json;
            headers[ScoringClient.ModelNameHeader] = model.NameHeader;
            headers[ScoringClient.ModelVersionHeader] = model.VersionHeader;
            response.ContentLength = output.WrittenCount;
            // Copied into the response pipe before any await, so the thread's buffer is free for the next request.
            response.BodyWriter.Write(output.WrittenSpan);
            if (output.Capacity > 4 * 1024 * 1024)
            {
                t_output = null;
            }

            if (_recorder.Enabled)
            {
                // A copy into the recorder's reused blocks; the background writer does the I/O.
                _recorder.TryRecord(
                    model.Source, requestId, (long)Stopwatch.GetElapsedTime(started).TotalMicroseconds,
                    input.Values.AsSpan(0, input.Rows * model.Model.Schema.Features.Count), probabilities.AsSpan(0, input.Rows));
            }

            model.Release();
            model = null;
            await response.BodyWriter.FlushAsync(context.RequestAborted);
        }
        catch (ScoringProtocolException e)
        {
            ReleaseAll(ref model, reader, read, ref holdsBuffer);
            if (e.StatusCode == 413)
            {
                // Do not drain a body we refused.
                context.Response.Headers.Connection = "close";
            }

            await WriteErrorAsync(context, e.StatusCode, e.ErrorCode, e.Message);
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException e)
        {
            ReleaseAll(ref model, reader, read, ref holdsBuffer);
            await WriteErrorAsync(context, e.StatusCode is >= 400 and < 500 ? e.StatusCode : 400, ScoringErrorCode.BadRequest, "The request could not be read: " + e.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            ReleaseAll(ref model, reader, read, ref holdsBuffer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            ReleaseAll(ref model, reader, read, ref holdsBuffer);
            HostInfo.Log($"error: /invocations failed: {e}");
            await WriteErrorAsync(context, 500, ScoringErrorCode.InternalError, "The prediction failed: " + e.Message);
        }
    }

    private static void ReleaseAll(ref ServedModel? model, PipeReader reader, ReadResult read, ref bool holdsBuffer)
    {
        model?.Release();
        model = null;
        if (holdsBuffer)
        {
            reader.AdvanceTo(read.Buffer.End);
            holdsBuffer = false;
        }
    }

    private Task HealthAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = _slot.Current is null ? 404 : 200;
        response.Headers.ContentType = s_json;
        response.ContentLength = s_healthBody.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(s_healthBody).AsTask();
    }

    private Task VersionAsync(HttpContext context)
    {
        var body = _slot.Current?.VersionJson
            ?? JsonSerializer.SerializeToUtf8Bytes(new VersionInfo(null, null, null, null, null, HostInfo.ServerName));
        var response = context.Response;
        response.StatusCode = 200;
        response.Headers.ContentType = s_json;
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }

    private async Task ConstantAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(context.RequestAborted);
            reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        var response = context.Response;
        response.StatusCode = 200;
        response.Headers.ContentType = s_json;
        response.ContentLength = s_constantBody.Length;
        await response.BodyWriter.WriteAsync(s_constantBody, context.RequestAborted);
    }

    private async Task DeployAsync(HttpContext context)
    {
        if (!IsControlRequest(context))
        {
            await WriteErrorAsync(context, 404, ScoringErrorCode.NotFound, $"No route POST {context.Request.Path}.");
            return;
        }

        DeployCommand? command;
        try
        {
            if (context.Request.ContentLength > ControlBodyLimit)
            {
                throw new JsonException("The deploy command is too large.");
            }

            command = await JsonSerializer.DeserializeAsync<DeployCommand>(context.Request.Body, HostControl.JsonOptions, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, ScoringErrorCode.BadRequest, "The deploy command is malformed: " + e.Message);
            return;
        }

        if (command is null || string.IsNullOrEmpty(command.ModelDirectory) || string.IsNullOrEmpty(command.ModelName))
        {
            await WriteErrorAsync(context, 400, ScoringErrorCode.BadRequest, "The deploy command lacks the model.");
            return;
        }

        var refused = await Task.Run(() => Apply(command), context.RequestAborted);
        if (refused is not null)
        {
            await WriteErrorAsync(context, 400, ScoringErrorCode.InvalidParameterValue, refused);
            return;
        }

        var answer = JsonSerializer.SerializeToUtf8Bytes(new DeployAnswer(command.ModelName, command.Version, command.DeploymentId), HostControl.JsonOptions);
        context.Response.StatusCode = 200;
        context.Response.Headers.ContentType = s_json;
        await context.Response.Body.WriteAsync(answer, context.RequestAborted);
    }

    /// <summary>The deployment served now, or null before the first.</summary>
    public string? ServedDeploymentId => _slot.Current?.Model.DeploymentId;

    /// <summary>
    /// Loads a version and swaps it in while requests keep being served (from the control route, or from the catalog
    /// by <see cref="HostFollower"/>); returns null, or why the version was refused (the previous one keeps serving).
    /// </summary>
    public string? Apply(DeployCommand command)
    {
        _deployGate.Wait();
        try
        {
            if (_slot.Current?.Model.DeploymentId == command.DeploymentId && command.DeploymentId.Length > 0)
            {
                ApplySettings(command.ApiKeyHash, command.MaxBodyBytes, command.TrackingEnabled);
                return null;
            }

            HostInfo.Log($"loading models:/{command.ModelName}/{command.Version} from {command.ModelDirectory} (deployment {command.DeploymentId})");
            ServableModel loaded;
            try
            {
                loaded = ServableModel.Load(command.ModelDirectory, command.ModelName, command.Version, command.DeploymentId);
            }
            catch (Exception e) when (e is InvalidModelException or IOException or UnauthorizedAccessException)
            {
                HostInfo.Log($"refused models:/{command.ModelName}/{command.Version}; the previous version keeps serving: {e.Message}");
                return e.Message;
            }

            var previous = _slot.Current;
            _settings = LiveSettings.From(command.ApiKeyHash, command.MaxBodyBytes);
            _slot.Swap(new ServedModel(loaded, _endpointName));
            _recorder.Enabled = command.TrackingEnabled;
            HostInfo.Log(previous is null
                ? $"serving models:/{command.ModelName}/{command.Version}; small batches: {loaded.PredictionPath}"
                : $"swapped models:/{previous.Model.ModelName}/{previous.Model.Version} for models:/{command.ModelName}/{command.Version}; small batches: {loaded.PredictionPath}");
            return null;
        }
        finally
        {
            _deployGate.Release();
        }
    }

    /// <summary>Applies the endpoint's settings read from the catalog (key, body limit, tracking).</summary>
    public void ApplySettings(string? apiKeyHash, long maxBodyBytes, bool trackingEnabled)
    {
        var current = _settings;
        var next = LiveSettings.From(apiKeyHash, maxBodyBytes);
        if (current.MaxBodyBytes != next.MaxBodyBytes || !(current.ApiKeyHash ?? []).AsSpan().SequenceEqual(next.ApiKeyHash ?? []) || (current.ApiKeyHash is null) != (next.ApiKeyHash is null))
        {
            _settings = next;
        }

        if (_recorder.Enabled != trackingEnabled)
        {
            _recorder.Enabled = trackingEnabled;
            HostInfo.Log($"prediction tracking switched {(trackingEnabled ? "on" : "off")}");
        }
    }

    private async Task SettingsAsync(HttpContext context)
    {
        if (!IsControlRequest(context))
        {
            await WriteErrorAsync(context, 404, ScoringErrorCode.NotFound, $"No route POST {context.Request.Path}.");
            return;
        }

        SettingsCommand? command;
        try
        {
            if (context.Request.ContentLength > ControlBodyLimit)
            {
                throw new JsonException("The settings command is too large.");
            }

            command = await JsonSerializer.DeserializeAsync<SettingsCommand>(context.Request.Body, HostControl.JsonOptions, context.RequestAborted);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, ScoringErrorCode.BadRequest, "The settings command is malformed: " + e.Message);
            return;
        }

        if (command is null)
        {
            await WriteErrorAsync(context, 400, ScoringErrorCode.BadRequest, "The settings command is empty.");
            return;
        }

        if (_recorder.Enabled != command.TrackingEnabled)
        {
            _recorder.Enabled = command.TrackingEnabled;
            HostInfo.Log($"prediction tracking switched {(command.TrackingEnabled ? "on" : "off")}");
        }

        context.Response.StatusCode = 200;
        context.Response.Headers.ContentType = s_json;
        await context.Response.Body.WriteAsync("{}"u8.ToArray(), context.RequestAborted);
    }

    private Task ShutdownAsync(HttpContext context)
    {
        if (!IsControlRequest(context))
        {
            return WriteErrorAsync(context, 404, ScoringErrorCode.NotFound, $"No route POST {context.Request.Path}.");
        }

        HostInfo.Log("shutdown requested by the manager");
        context.Response.OnCompleted(() =>
        {
            _lifetime.StopApplication();
            return Task.CompletedTask;
        });
        context.Response.StatusCode = 202;
        return Task.CompletedTask;
    }

    // Control requests come from this machine (loopback, or the bound address itself) and carry the launch's token.
    private bool IsControlRequest(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return false;
        }

        if (remote.IsIPv4MappedToIPv6)
        {
            remote = remote.MapToIPv4();
        }

        var local = context.Connection.LocalIpAddress;
        if (local is not null && local.IsIPv4MappedToIPv6)
        {
            local = local.MapToIPv4();
        }

        if (!IPAddress.IsLoopback(remote) && !remote.Equals(local))
        {
            return false;
        }

        var presented = context.Request.Headers[HostControl.TokenHeader].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _controlToken);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var headers = request.Headers;
        var authorization = headers.Authorization;
        if (authorization.Count > 0)
        {
            var value = authorization.ToString();
            return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? value[7..].Trim() : value.Trim();
        }

        var apiKey = headers["X-Api-Key"];
        return apiKey.Count > 0 ? apiKey.ToString().Trim() : null;
    }

    // application/json or text/csv, with no charset or UTF-8 (MLflow's rule); anything else is 415.
    private static bool IsCsv(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            throw ScoringProtocolException.UnsupportedMediaType(contentType);
        }

        var charset = media.Charset;
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw ScoringProtocolException.UnsupportedMediaType(contentType);
        }

        var type = media.MediaType;
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (type.Equals("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        throw ScoringProtocolException.UnsupportedMediaType(contentType);
    }

    private static ScoringProtocolException Unauthenticated(string message) => new(401, ScoringErrorCode.Unauthenticated, message);

    private static Task MethodNotAllowed(HttpContext context, string allowed)
    {
        context.Response.Headers.Allow = allowed;
        return WriteErrorAsync(context, 405, ScoringErrorCode.BadRequest, $"{context.Request.Path} takes {allowed}, not {context.Request.Method}.");
    }

    private static Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return Task.CompletedTask;
        }

        var output = new ArrayBufferWriter<byte>(256);
        ScoringResponseWriter.WriteError(output, code, message);
        response.StatusCode = status;
        response.Headers.ContentType = s_json;
        response.ContentLength = output.WrittenCount;
        if (status == 401)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        return response.Body.WriteAsync(output.WrittenMemory).AsTask();
    }
}
