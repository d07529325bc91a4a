using System.Text.Json;
using Microsoft.Extensions.Primitives;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Serving.Protocol;

namespace MlopsPS.ScoringHost;

/// <summary>
/// A loaded version as the host serves it, with a reference count: the slot holds one reference, each request in
/// flight one more. The booster is disposed when the count reaches zero, i.e. after the model was swapped out and the
/// last request that leased it has finished, never under a running prediction.
/// </summary>
internal sealed class ServedModel
{
    private int _references = 1;

    public ServedModel(ServableModel model, string endpointName)
    {
        Model = model;
        Source = new PredictionSource(endpointName, model.DeploymentId ?? string.Empty, model.ModelName, model.Version, model.Schema);
        NameHeader = new StringValues(model.ModelName);
        VersionHeader = new StringValues(model.Version.ToString(System.Globalization.CultureInfo.InvariantCulture));
        VersionJson = JsonSerializer.SerializeToUtf8Bytes(new VersionInfo(
            model.ModelName, model.Version, model.DeploymentId, model.Schema.Features, model.Schema.ClassLabels, HostInfo.ServerName));
    }

    public ServableModel Model { get; }

    /// <summary>Who the prediction log says answered: endpoint, deployment, model version.</summary>
    public PredictionSource Source { get; }

    /// <summary>The response headers that say which model answered, prepared once.</summary>
    public StringValues NameHeader { get; }

    public StringValues VersionHeader { get; }

    /// <summary>The body of <c>/version</c>, prepared once.</summary>
    public byte[] VersionJson { get; }

    /// <summary>Takes a reference unless the model is already retired (count at zero).</summary>
    public bool TryAcquire()
    {
        var current = Volatile.Read(ref _references);
        while (current > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            Model.Dispose();
        }
    }
}

/// <summary>The model the host serves now; swapped atomically, leased per request.</summary>
internal sealed class ModelSlot
{
    private ServedModel? _current;

    /// <summary>The current model, for answers that need no booster (/health, /version).</summary>
    public ServedModel? Current => Volatile.Read(ref _current);

    /// <summary>Leases the current model (call <see cref="ServedModel.Release"/> when done), or null when none is loaded.</summary>
    public ServedModel? Acquire()
    {
        while (true)
        {
            var model = Volatile.Read(ref _current);
            if (model is null || model.TryAcquire())
            {
                return model;
            }

            // Retired between the read and the lease: a newer model is already in the slot.
        }
    }

    /// <summary>Puts <paramref name="next"/> in the slot; the previous model is released by the slot and disposed after its last request.</summary>
    public void Swap(ServedModel? next) => Interlocked.Exchange(ref _current, next)?.Release();
}
