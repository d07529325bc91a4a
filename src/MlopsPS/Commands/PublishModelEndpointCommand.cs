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
[Cmdlet(VerbsData.Publish, "ModelEndpoint", SupportsShouldProcess = true, DefaultParameterSetName = ByVersion)]
[OutputType(typeof(Deployment))]
public sealed class PublishModelEndpointCommand : MlopsCmdlet
{
    private const string ByRun = "Run";
    private const string ByVersion = "ModelVersion";
    private const string ByUri = "ModelUri";

    /// <summary>The endpoint to deploy to; created on first use.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>A finished run whose model is registered as a new version and deployed (binds a Run from Invoke-Retrain).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByRun, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string RunId { get; set; } = string.Empty;

    /// <summary>The registered model: with -RunId, the model to register under (default: the endpoint's name).</summary>
    [Parameter(ParameterSetName = ByRun)]
    [Parameter(Mandatory = true, ParameterSetName = ByVersion, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? ModelName { get; set; }

    /// <summary>The version of -ModelName to deploy (binds a ModelVersion).</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByVersion, ValueFromPipelineByPropertyName = true)]
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
            if (ParameterSetName == ByRun)
            {
                var model = ModelName ?? Name;
                if (!ShouldProcess(target, $"Register the model of run {RunId} as a new version of '{model}' and deploy it"))
                {
                    return;
                }

                version = registry.RegisterRunModel(model, RunId);
            }
            else
            {
                version = ParameterSetName == ByUri ? registry.Resolve(ModelUri) : registry.GetVersion(ModelName!, Version);
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
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
            };
            var progress = new CmdletProgress<PublishProgress>(this, ProgressActivity.Scoring, $"Publishing {version.Uri} to endpoint '{Name}'", p => (p.PercentComplete, p.Status));
            var deployment = new EndpointManager(store, ServingCmdletSupport.HostDirectory(this)).Publish(Name, version, options, progress);
            progress.Complete();
            WriteRecord(deployment);
        });
    }
}
