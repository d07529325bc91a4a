using System.Management.Automation;
using System.Security;
using MlopsPS.Completion;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Serving;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Deploys a model version to a scoring endpoint: registers a run's model as a new version when given a run,
/// validates the model (the build), starts the endpoint's host on first use or swaps the model inside the running
/// host with no failed request, and writes the Deployment.
/// </summary>
[Cmdlet(VerbsData.Publish, "ModelEndpoint", SupportsShouldProcess = true, DefaultParameterSetName = ByInput)]
[OutputType(typeof(Deployment))]
public sealed class PublishModelEndpointCommand : MlopsCmdlet
{
    // Pipeline input arrives through -InputObject rather than by property name into -RunId or -ModelName/-Version:
    // every piped object also binds -Store by property name, and PowerShell then keeps the default parameter set, so
    // by-property-name sets could never tell a Run from a ModelVersion (which has a RunId too).
    private const string ByInput = "InputObject";
    private const string ByRun = "Run";
    private const string ByVersion = "ModelVersion";
    private const string ByUri = "ModelUri";

    /// <summary>The endpoint to deploy to; created on first use.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// What to deploy, from the pipeline: a Run (its RunId; its model is registered as a new version first), a
    /// ModelVersion or Deployment (its ModelName and Version), or a model URI string.
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ByInput, ValueFromPipeline = true)]
    [ValidateNotNull]
    public PSObject? InputObject { get; set; }

    /// <summary>A finished run whose model is registered as a new version and deployed.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByRun)]
    [ValidateNotNullOrEmpty]
    public string RunId { get; set; } = string.Empty;

    /// <summary>The registered model: for a run, the model to register under (default: the endpoint's name).</summary>
    [Parameter(ParameterSetName = ByInput)]
    [Parameter(ParameterSetName = ByRun)]
    [Parameter(Mandatory = true, ParameterSetName = ByVersion)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ModelNameCompleter))]
    public string? ModelName { get; set; }

    /// <summary>The version of -ModelName to deploy.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByVersion)]
    [ValidateRange(1, int.MaxValue)]
    public int Version { get; set; }

    /// <summary>A model URI: models:/name/3, models:/name@champion, models:/name/latest.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByUri)]
    [ValidateNotNullOrEmpty]
    public string ModelUri { get; set; } = string.Empty;

    /// <summary>The address the host listens on (default 127.0.0.1). Another machine's reach needs -ApiKey.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BindAddress { get; set; }

    /// <summary>The port (default: a free port chosen when the host starts).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Port { get; set; }

    /// <summary>An API key clients must send; only its hash is stored.</summary>
    [Parameter]
    public SecureString? ApiKey { get; set; }

    /// <summary>Removes the endpoint's API key.</summary>
    [Parameter]
    public SwitchParameter RemoveApiKey { get; set; }

    /// <summary>The largest request body in bytes (default 64MB).</summary>
    [Parameter]
    [ValidateRange(1024, long.MaxValue)]
    public long MaxBodySize { get; set; }

    /// <summary>On: the host records each prediction (the default for a new endpoint); Off: none. Kept otherwise.</summary>
    [Parameter]
    [ValidateSet(ServingCmdletSupport.On, ServingCmdletSupport.Off)]
    public string? Tracking { get; set; }

    /// <summary>Seconds to wait for the host and the new version.</summary>
    [Parameter]
    [ValidateRange(1, 3600)]
    public int TimeoutSec { get; set; } = 60;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var store = OpenStore();
        Try(Name, () =>
        {
            var registry = new ModelRegistry(store);
            var target = $"endpoint '{Name}'";
            ModelVersion version;
            var (runId, existing) = ParameterSetName switch
            {
                ByRun => (RunId, null),
                ByVersion => (null, registry.GetVersion(ModelName!, Version)),
                ByUri => (null, registry.Resolve(ModelUri)),
                _ => FromInput(registry),
            };
            if (runId is not null)
            {
                var model = ModelName ?? Name;
                if (!ShouldProcess(target, $"Register the model of run {runId} as a new version of '{model}' and deploy it"))
                {
                    return;
                }

                version = registry.RegisterRunModel(model, runId);
            }
            else
            {
                version = existing!;
                if (!ShouldProcess(target, $"Deploy {version.Uri}"))
                {
                    return;
                }
            }

            var bound = MyInvocation.BoundParameters;
            var options = new PublishOptions
            {
                BindAddress = BindAddress,
                Port = bound.ContainsKey(nameof(Port)) ? Port : null,
                ApiKey = ServingCmdletSupport.Plain(ApiKey),
                RemoveApiKey = RemoveApiKey,
                MaxBodyBytes = bound.ContainsKey(nameof(MaxBodySize)) ? MaxBodySize : null,
                TrackingEnabled = Tracking is null ? null : ServingCmdletSupport.IsOn(Tracking),
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            };
            var progress = new CmdletProgress<PublishProgress>(this, ProgressActivity.Scoring, $"Publishing {version.Uri} to endpoint '{Name}'", p => (p.PercentComplete, p.Status));
            var deployment = new EndpointManager(store, ServingCmdletSupport.HostDirectory(this)).Publish(Name, version, options, progress);
            progress.Complete();
            WriteRecord(deployment);
        });
    }

    // A piped object: ModelName + Version (a ModelVersion, a Deployment), else RunId (a Run), else a model URI string.
    private (string? RunId, ModelVersion? Version) FromInput(ModelRegistry registry)
    {
        var input = InputObject!;
        if (input.BaseObject is string text)
        {
            return (null, registry.Resolve(text));
        }

        var modelName = input.Properties["ModelName"]?.Value?.ToString();
        var versionValue = input.Properties["Version"]?.Value;
        if (!string.IsNullOrEmpty(modelName) && versionValue is not null
            && LanguagePrimitives.TryConvertTo(versionValue, System.Globalization.CultureInfo.InvariantCulture, out int number))
        {
            if (ModelName is not null && !string.Equals(ModelName, modelName, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The piped version belongs to model '{modelName}', not -ModelName '{ModelName}'.");
            }

            return (null, registry.GetVersion(modelName, number));
        }

        var runId = input.Properties["RunId"]?.Value?.ToString();
        return !string.IsNullOrEmpty(runId)
            ? (runId, null)
            : throw new ArgumentException(
                "Pipe a Run (with a RunId), a ModelVersion (with ModelName and Version) or a model URI, or give -RunId, -ModelName and -Version, or -ModelUri.");
    }
}
