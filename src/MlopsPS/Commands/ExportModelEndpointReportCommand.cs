using System.Management.Automation;
using MlopsPS.Completion;
using MlopsPS.Core.Monitoring;
using MlopsPS.Infrastructure;

namespace MlopsPS.Commands;

/// <summary>
/// Writes a self-contained HTML report of an endpoint (volume, latency and accuracy over time, drift per feature, feature
/// importance, deployments) that opens in a browser with no network. Returns the file.
/// </summary>
[Cmdlet(VerbsData.Export, "ModelEndpointReport", SupportsShouldProcess = true, DefaultParameterSetName = PathSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportModelEndpointReportCommand : MlopsCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The endpoint to report on.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("EndpointName")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EndpointNameCompleter))]
    public string Name { get; set; } = string.Empty;

    /// <summary>The HTML file to write, or an existing folder to write <c>&lt;name&gt;.html</c> into.</summary>
    [Parameter(Mandatory = true, Position = 1, ParameterSetName = PathSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    public string Path { get; set; } = string.Empty;

    /// <summary>As -Path, with no wildcard interpretation.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    /// <summary>Only predictions made at or after this time.</summary>
    /// <remarks>Not nullable, so help shows DateTime (likewise below); whether it was given is read from the bound parameters.</remarks>
    [Parameter]
    [Alias("Since")]
    public DateTime Start { get; set; }

    /// <summary>Only predictions made before this time.</summary>
    [Parameter]
    [Alias("Until")]
    public DateTime End { get; set; }

    /// <summary>The width of a time bucket of the charts; chosen from the span when omitted (at most 60 buckets).</summary>
    [Parameter]
    public TimeSpan BucketWidth { get; set; }

    /// <summary>How many of the newest predictions in the window the drift section compares with the training rows.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int DriftLast { get; set; } = 1000;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var builder = new EndpointReportBuilder(OpenStore());
        Try(Name, () =>
        {
            var path = ResolveTarget();
            if (!ShouldProcess(path, $"Write the report of endpoint '{Name}'"))
            {
                return;
            }

            var bound = MyInvocation.BoundParameters;
            var report = builder.Build(Name, new EndpointReportOptions
            {
                Start = bound.ContainsKey(nameof(Start)) ? Start.ToUniversalTime() : null,
                End = bound.ContainsKey(nameof(End)) ? End.ToUniversalTime() : null,
                BucketWidth = bound.ContainsKey(nameof(BucketWidth)) ? BucketWidth : null,
                DriftLast = DriftLast,
            });
            ReportHtml.Write(report, path);
            if (report.DriftMessage is { } drift)
            {
                WriteVerbose("Drift: " + drift);
            }

            WriteObject(new FileInfo(path));
        });
    }

    /// <summary>The file to write: the path as given (relative to the current location), or name.html inside a folder.</summary>
    private string ResolveTarget()
    {
        string path;
        if (ParameterSetName == PathSet && WildcardPattern.ContainsWildcardCharacters(Path))
        {
            IReadOnlyList<string> matches;
            try
            {
                matches = SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out _);
            }
            catch (ItemNotFoundException)
            {
                matches = [];
            }

            path = matches.Count == 1
                ? matches[0]
                : throw new ArgumentException($"-Path '{Path}' matches {matches.Count} items; it must name one file or folder.", nameof(Path));
        }
        else
        {
            path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(ParameterSetName == PathSet ? Path : LiteralPath);
        }

        if (Directory.Exists(path))
        {
            return System.IO.Path.Combine(path, Name + ".html");
        }

        var folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
        return folder is null || Directory.Exists(folder)
            ? path
            : throw new DirectoryNotFoundException($"The folder '{folder}' does not exist; create it first.");
    }
}
