using System.Text.RegularExpressions;
using MlopsPS.Core.Monitoring;
using MlopsPS.Core.Registry;
using MlopsPS.Core.Retraining;
using MlopsPS.Core.Serving;
using MlopsPS.Core.Sources;
using MlopsPS.Core.Tables;
using MlopsPS.Core.Tests.Serving;
using MlopsPS.Core.Tests.TestSupport;

namespace MlopsPS.Core.Tests.Monitoring;

/// <summary>
/// The endpoint report rendered by headless Chromium: every chart drawn with all its points, a screenshot that shows
/// them, messages instead of empty charts, and nothing loaded from anywhere.
/// </summary>
public sealed partial class ReportRenderingTests(ReportRenderingTests.Endpoints endpoints) : IClassFixture<ReportRenderingTests.Endpoints>
{
    [Fact]
    public void Report_InHeadlessChromium_DrawsEveryPointOfEveryChart()
    {
        var report = endpoints.Build(Endpoints.Busy);
        var file = endpoints.Write(report, "busy.html");

        var dom = HeadlessChromium.DumpDom(file);

        Assert.Contains("data-report-rendered=\"true\"", dom);
        var charts = Charts(dom);
        Assert.Equal(report.Activity.Buckets.Count(b => b.Predictions > 0), charts["volume"].Points);
        Assert.Equal(3 * report.Activity.Buckets.Count(b => b.Predictions > 0), charts["latency"].Points);
        Assert.Equal(report.Activity.Buckets.Count(b => b.Labeled > 0), charts["accuracy"].Points);
        Assert.Equal(4, charts["drift"].Points);
        Assert.Equal(report.FeatureImportance.Count, charts["importance"].Points);
        Assert.True(charts["importance"].Points >= 2, "the model splits on at least two features");
        Assert.Equal(4, charts.Keys.Count(k => k.StartsWith("bins-", StringComparison.Ordinal)));
        foreach (var (name, chart) in charts)
        {
            Assert.True(chart.Points > 0, $"chart {name} has no points");
            Assert.True(chart.Points == chart.Drawn, $"chart {name}: {chart.Points} points, {chart.Drawn} drawn");
            Assert.Matches(@"^[1-9]\d*x[1-9]\d*$", chart.Size);
        }

        Assert.DoesNotContain("data-empty", dom);
        // The second hour's requests are drifted: the page says which features.
        Assert.Equal(["iot_signal_1", "iot_signal_2", "iot_signal_4"], DriftedRows().Matches(dom).Select(m => m.Groups[1].Value));
    }

    [Fact]
    public void Report_Screenshot_IsNotBlank_AndShowsTheChartColors()
    {
        var file = endpoints.Write(endpoints.Build(Endpoints.Busy), "busy-screenshot.html");
        var png = Path.ChangeExtension(file, ".png");

        HeadlessChromium.Screenshot(file, png);

        var image = PngImage.Load(png);
        endpoints.Keep(png);
        long ink = 0, blue = 0, red = 0, orange = 0, green = 0;
        for (var y = 0; y < image.Height; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var (r, g, b) = image[x, y];
                ink += r + g + b < 600 ? 1 : 0;
                blue += Near(r, g, b, 0x2f, 0x6d, 0xb5) ? 1 : 0;
                red += Near(r, g, b, 0xc0, 0x39, 0x2b) ? 1 : 0;
                orange += Near(r, g, b, 0xd9, 0x82, 0x2b) ? 1 : 0;
                green += Near(r, g, b, 0x2e, 0x7d, 0x4f) ? 1 : 0;
            }
        }

        var total = (double)image.Width * image.Height;
        Assert.True(ink / total > 0.02, $"only {ink / total:P2} of the screenshot is drawn");
        // Volume bars and the p50 line (blue), drifted bars (red), p95 and current-share bars (orange), accuracy and stable bars (green).
        Assert.True(blue > 2000, $"blue pixels: {blue}");
        Assert.True(red > 500, $"red pixels: {red}");
        Assert.True(orange > 500, $"orange pixels: {orange}");
        Assert.True(green > 500, $"green pixels: {green}");
    }

    [Fact]
    public void Report_WithoutPredictions_ShowsAMessageInsteadOfEachChart()
    {
        var report = endpoints.Build(Endpoints.Quiet);
        var file = endpoints.Write(report, "quiet.html");

        var dom = HeadlessChromium.DumpDom(file);

        Assert.Contains("data-report-rendered=\"true\"", dom);
        foreach (var section in new[] { "volume", "latency", "accuracy", "drift" })
        {
            Assert.Matches($"<p class=\"empty\" data-empty=\"{section}\">[^<]*\\w[^<]*</p>", dom);
            Assert.DoesNotContain($"data-chart=\"{section}\"", dom);
        }

        Assert.Contains("No predictions logged for endpoint", dom);
        Assert.Contains("has logged no predictions", report.DriftMessage);
        // The model is known without any request: its importance is still drawn.
        Assert.Equal(report.FeatureImportance.Count, Charts(dom)["importance"].Drawn);
    }

    [Fact]
    public void Report_WithPredictionsButNoGroundTruth_SaysSoInsteadOfAnAccuracyChart()
    {
        // The busy endpoint's true labels stop after 90 minutes.
        var report = endpoints.Build(Endpoints.Busy, new EndpointReportOptions { Start = endpoints.Start.AddMinutes(100) });

        var html = ReportHtml.Render(report);

        Assert.True(report.Activity.Predictions > 0);
        Assert.Equal(0, report.Activity.Labeled);
        Assert.Matches("<p class=\"empty\" data-empty=\"accuracy\">No ground truth yet", html);
        Assert.Contains("data-chart=\"volume\"", html);
        Assert.DoesNotContain("data-chart=\"accuracy\"", html);
    }

    [Fact]
    public void Report_IsOneSelfContainedFile_ThatLoadsNothing()
    {
        var html = ReportHtml.Render(endpoints.Build(Endpoints.Busy));

        Assert.DoesNotMatch("(?i)<(link|img|iframe|object|embed)\\b", html);
        Assert.DoesNotMatch("(?i)\\b(src|href)\\s*=", html);
        Assert.DoesNotMatch("(?i)@import|url\\(", html);
        Assert.DoesNotMatch("(?i)<script[^>]*\\bsrc", html);
        // The only URLs: the SVG namespace and the endpoint's own address, shown as text.
        Assert.All(Urls().Matches(html).Select(m => m.Value), url => Assert.True(
            url == "http://www.w3.org/2000/svg" || url.StartsWith("http://127.0.0.1:", StringComparison.Ordinal), url));
    }

    private static bool Near(byte r, byte g, byte b, int er, int eg, int eb) =>
        Math.Abs(r - er) < 12 && Math.Abs(g - eg) < 12 && Math.Abs(b - eb) < 12;

    private static Dictionary<string, (int Points, int Drawn, string Size)> Charts(string dom) =>
        SvgCharts().Matches(dom).ToDictionary(
            m => Attribute(m.Value, "data-chart"),
            m => (int.Parse(Attribute(m.Value, "data-points")), int.Parse(Attribute(m.Value, "data-drawn-points")), Attribute(m.Value, "data-drawn-size")));

    private static string Attribute(string tag, string name) =>
        Regex.Match(tag, $"\\b{name}=\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no {name} in {tag}");

    [GeneratedRegex("<svg class=\"chart\"[^>]*>")]
    private static partial Regex SvgCharts();

    [GeneratedRegex("<tr class=\"drifted\"><td>([^<]+)</td>")]
    private static partial Regex DriftedRows();

    [GeneratedRegex("https?://[^\\s\"'<)]+")]
    private static partial Regex Urls();

    /// <summary>
    /// One store for the class: a model trained on telco rows, served by two endpoints. <see cref="Busy"/> has two hours
    /// of logged predictions (the first like the training rows, the second drifted) with true labels for the first 90
    /// minutes; <see cref="Quiet"/> has none.
    /// </summary>
    public sealed class Endpoints : IDisposable
    {
        public const string Busy = "celltower";
        public const string Quiet = "quiet";

        private readonly TemporaryStore _temp = new();
        private readonly EndpointManager _manager;

        public Endpoints()
        {
            _manager = ServingTestSupport.Manager(_temp.Store);
            try
            {
                var dataset = SyntheticDatasets.Get(TelcoCellTowers.DatasetName);
                new TableCatalog(_temp.Store).Append("telco", dataset.Generate(2000, seed: 31), new AppendOptions { Dataset = dataset.Name });
                var run = new Retrainer(_temp.Store).Retrain(new RetrainRequest { Table = "telco", Hyperparameters = new Dictionary<string, object?> { ["n_estimators"] = 10 } }).Run;
                var version = new ModelRegistry(_temp.Store).RegisterRunModel("celltower", run.RunId);
                var busy = _manager.Publish(Busy, version);
                _manager.Publish(Quiet, version);

                Start = DateTime.UtcNow.AddHours(-2);
                var features = version.Signature.Select(i => i.Name).ToArray();
                var calm = Sources.Batches.Concat(dataset.Generate(720, seed: 32));
                var drifted = Sources.Batches.Concat(dataset.Generate(720, seed: 33, DriftSpec.Default));
                var source = DriftTestLog.Source(busy, version);
                Log(source, calm, features, Start);
                Log(source, drifted, features, Start.AddHours(1));
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        /// <summary>When the busy endpoint's first logged prediction was made.</summary>
        public DateTime Start { get; }

        public EndpointReport Build(string endpoint, EndpointReportOptions? options = null) =>
            new EndpointReportBuilder(_temp.Store).Build(endpoint, options);

        public string Write(EndpointReport report, string fileName)
        {
            var path = Path.Combine(_temp.Root, fileName);
            ReportHtml.Write(report, path);
            Keep(path);
            return path;
        }

        /// <summary>Copies a file to $env:MLOPSPS_TEST_ARTIFACTS when set, for a person (or CI) to look at.</summary>
        public void Keep(string path)
        {
            if (Environment.GetEnvironmentVariable("MLOPSPS_TEST_ARTIFACTS") is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
                File.Copy(path, Path.Combine(folder, Path.GetFileName(path)), overwrite: true);
            }
        }

        public void Dispose()
        {
            ServingTestSupport.StopAll(_manager);
            _temp.Dispose();
        }

        private void Log(PredictionSource source, ColumnBatch rows, IReadOnlyList<string> features, DateTime start)
        {
            // One prediction every 5 s, through the recorder the host uses; the class agrees with the true label 4 times
            // in 5. True labels are sent for the first 90 minutes only.
            var labels = rows.Column<long>(SyntheticDatasets.Get(TelcoCellTowers.DatasetName).Label);
            var predicted = labels.Select((truth, i) => i % 5 == 0 ? 1 - truth : truth).ToArray();
            var ids = DriftTestLog.Record(_temp.Store, source, DriftTestLog.Inputs(rows, features).Select((inputs, i) => new DriftTestLog.Entry(
                start.AddSeconds(i * 5), inputs, predicted[i] == 1 ? 0.8f : 0.2f, 300 + (i % 7 * 150) + (i % 50 == 0 ? 4000 : 0))));
            var cutoff = Start.AddMinutes(90);
            DriftTestLog.Label(_temp.Store, ids
                .Select((id, i) => (Id: id, At: start.AddSeconds(i * 5), Truth: labels[i]))
                .Where(p => p.At < cutoff)
                .Select(p => (p.Id, p.Truth.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
    }
}
