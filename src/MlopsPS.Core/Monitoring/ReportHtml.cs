using System.Globalization;
using System.Net;
using System.Text;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// Renders an <see cref="EndpointReport"/> as one self-contained HTML file: inline CSS, charts as inline SVG
/// (<see cref="ReportSvg"/>), no external resource of any kind, so it opens from disk or an e-mail with no network. A
/// section without data shows why (an element of class <c>empty</c> with a <c>data-empty</c> attribute) instead of an
/// empty chart.
/// </summary>
/// <remarks>
/// The page carries one short inline script that does not draw anything: after layout it records on each chart how many
/// of its points the browser actually laid out (<c>data-drawn-points</c>, from <c>getBBox</c>), and marks the document
/// <c>data-report-rendered</c>. Tools (and the tests, through headless Chromium) read those to know the charts were drawn.
/// </remarks>
public static class ReportHtml
{
    private const string Style = """
        :root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f5f7fa; --card: #fff; --blue: #2f6db5; --orange: #d9822b;
                --purple: #7b57c2; --red: #c0392b; --green: #2e7d4f; --grey: #9aa5b1; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--ink); background: var(--bg); }
        header { background: #243b53; color: #fff; padding: 20px 32px; }
        header h1 { margin: 0 0 4px; font-size: 22px; font-weight: 600; }
        header p { margin: 2px 0; color: #d9e2ec; }
        header code { color: #fff; }
        main { max-width: 1100px; margin: 0 auto; padding: 20px 32px 40px; }
        section { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 16px 20px; margin: 16px 0; }
        h2 { font-size: 17px; margin: 0 0 4px; }
        p.note { color: var(--muted); margin: 0 0 10px; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; background: none; border: 0; padding: 0; }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; }
        .tile .value { font-size: 22px; font-weight: 600; }
        .tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
        .tile.alert .value { color: var(--red); }
        .tile.ok .value { color: var(--green); }
        svg.chart { width: 100%; height: auto; display: block; font-size: 11px; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .axis { stroke: var(--grey); stroke-width: 1; }
        svg .tick, svg .label, svg .value { fill: var(--muted); }
        svg .label { fill: var(--ink); font-size: 12px; }
        svg .bar { fill: var(--blue); }
        svg .bar.drifted { fill: var(--red); }
        svg .bar.stable { fill: var(--green); }
        svg .threshold { stroke: var(--red); stroke-width: 1.5; stroke-dasharray: 4 3; } svg .threshold-label { fill: var(--red); }
        svg .series polyline { fill: none; stroke-width: 2; }
        svg .series circle { stroke: #fff; stroke-width: 1; }
        svg .legend line { stroke-width: 2; } svg .legend text { fill: var(--ink); }
        svg .p50 polyline, svg .legend.p50 line { stroke: var(--blue); } svg .p50 circle { fill: var(--blue); }
        svg .p95 polyline, svg .legend.p95 line { stroke: var(--orange); } svg .p95 circle { fill: var(--orange); }
        svg .p99 polyline, svg .legend.p99 line { stroke: var(--purple); } svg .p99 circle { fill: var(--purple); }
        svg .accuracy polyline, svg .legend.accuracy line { stroke: var(--green); } svg .accuracy circle { fill: var(--green); }
        svg .baseline { fill: var(--grey); } svg .current { fill: var(--orange); } svg .hit { fill: transparent; }
        .empty { margin: 8px 0; padding: 18px; border: 1px dashed var(--grey); border-radius: 6px; color: var(--muted); background: #fafbfc; text-align: center; }
        table { border-collapse: collapse; width: 100%; margin-top: 10px; font-variant-numeric: tabular-nums; }
        th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); }
        th { color: var(--muted); font-weight: 600; font-size: 12px; }
        td.num, th.num { text-align: right; }
        tr.drifted td:first-child { color: var(--red); font-weight: 600; }
        .flag { display: inline-block; padding: 0 6px; border-radius: 8px; font-size: 12px; }
        .flag.yes { background: #fde8e6; color: var(--red); } .flag.no { background: #e3f4ea; color: var(--green); }
        .histograms { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 8px 20px; margin-top: 12px; }
        .histograms h3 { font-size: 13px; margin: 6px 0 2px; font-weight: 600; }
        .histograms svg.chart { max-width: 360px; }
        .key { color: var(--muted); font-size: 12px; }
        .key i { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; vertical-align: -1px; }
        footer { color: var(--muted); font-size: 12px; max-width: 1100px; margin: 0 auto; padding: 0 32px 32px; }
        """;

    // Records what the browser laid out; draws nothing (see the remarks).
    private const string Script = """
        window.addEventListener('load', function () {
          document.querySelectorAll('svg.chart').forEach(function (svg) {
            var drawn = 0;
            svg.querySelectorAll('.point').forEach(function (p) { var b = p.getBBox(); if (b.width > 0 || b.height > 0) { drawn++; } });
            var box = svg.getBoundingClientRect();
            svg.setAttribute('data-drawn-points', String(drawn));
            svg.setAttribute('data-drawn-size', Math.round(box.width) + 'x' + Math.round(box.height));
          });
          document.documentElement.setAttribute('data-report-rendered', 'true');
        });
        """;

    /// <summary>The report as an HTML document.</summary>
    public static string Render(EndpointReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        var name = report.Endpoint.Name;
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>{E(name)}: endpoint report</title>\n<style>\n{Style}\n</style>\n</head>\n<body>\n");
        Header(html, report);
        html.Append("<main>\n");
        Tiles(html, report);
        Volume(html, report);
        Latency(html, report);
        Accuracy(html, report);
        Drift(html, report);
        Importance(html, report);
        Deployments(html, report);
        html.Append("</main>\n");
        Footer(html, report);
        html.Append(CultureInfo.InvariantCulture, $"<script>\n{Script}\n</script>\n</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Writes the report to <paramref name="path"/>, replacing the file only once it is complete.</summary>
    public static void Write(EndpointReport report, string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            File.WriteAllText(temporary, Render(report), new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }

    private static void Header(StringBuilder html, EndpointReport report)
    {
        var endpoint = report.Endpoint;
        html.Append(CultureInfo.InvariantCulture, $"<header>\n<h1>Endpoint <code>{E(endpoint.Name)}</code></h1>\n");
        var serving = endpoint.ModelUri is { } uri ? $"serves <code>{E(uri)}</code>" : "serves no model yet";
        html.Append(CultureInfo.InvariantCulture, $"<p>{serving} · {E(endpoint.Status.ToString())}{(endpoint.Url is { } url ? " · " + E(url) : string.Empty)}</p>\n");
        if (report.Run is { } run)
        {
            var snapshot = run.Tag("iceberg_snapshot_id") is { } id ? $", trained on snapshot {E(id)} of <code>{E(run.Tag("iceberg_table") ?? "?")}</code>" : string.Empty;
            html.Append(CultureInfo.InvariantCulture, $"<p>run <code>{E(run.RunId)}</code> ({E(run.RunName)}, experiment {E(run.ExperimentName)}){snapshot}</p>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"<p>Generated {E(Time(report.GeneratedAt))} · {E(WindowText(report))}</p>\n</header>\n");
    }

    private static void Tiles(StringBuilder html, EndpointReport report)
    {
        var activity = report.Activity;
        html.Append("<section class=\"tiles\" data-section=\"summary\">\n");
        Tile(html, "Requests / predictions", activity.Predictions == 0 ? "–" : $"{Count(activity.Requests)} / {Count(activity.Predictions)}", null);
        Tile(html, "With ground truth", activity.Predictions == 0 ? "–" : $"{activity.Labeled.ToString("N0", CultureInfo.InvariantCulture)} ({Percent((double)activity.Labeled / activity.Predictions)})", null);
        Tile(html, "Accuracy", activity.Accuracy is { } accuracy ? Percent(accuracy) : "–", null);
        Tile(html, "Latency p50 / p95", activity.LatencyP50Ms is { } p50 ? $"{Number(p50)} / {Ms(activity.LatencyP95Ms!.Value)}" : "–", null);
        if (report.Drift is { } drift)
        {
            var drifted = drift.Drifted.Count;
            Tile(html, "Drifted features", $"{drifted} of {drift.Features.Count}", drifted > 0 ? "alert" : "ok");
        }
        else
        {
            Tile(html, "Drifted features", "–", null);
        }

        html.Append("</section>\n");
    }

    private static void Tile(StringBuilder html, string label, string value, string? css) =>
        html.Append(CultureInfo.InvariantCulture, $"<div class=\"tile{(css is null ? string.Empty : " " + css)}\"><div class=\"label\">{E(label)}</div><div class=\"value\">{E(value)}</div></div>\n");

    private static void Volume(StringBuilder html, EndpointReport report)
    {
        var activity = report.Activity;
        Open(html, "volume", "Request volume", $"Scoring requests per {Width(activity.BucketWidth)}; the predictions they carried (one per scored row) are in each bar's tooltip.");
        if (activity.Predictions == 0)
        {
            Empty(html, "volume", NoPredictionsText(report));
        }
        else
        {
            html.Append(ReportSvg.TimeBars(
                "volume", "Requests per time bucket",
                activity.Buckets.Select(b => (b.Start, (double)b.Requests, $"{Count(b.Requests)} requests, {Count(b.Predictions)} predictions")).ToArray(),
                activity.BucketWidth, activity.From!.Value, activity.To!.Value, v => v.ToString("#,0.##", CultureInfo.InvariantCulture)));
        }

        html.Append("</section>\n");
    }

    private static void Latency(StringBuilder html, EndpointReport report)
    {
        var activity = report.Activity;
        Open(html, "latency", "Latency", $"Request latency in the host per {Width(activity.BucketWidth)}, milliseconds: median, 95th and 99th percentile (nearest rank, over predictions; where two model versions served a bucket, the larger of their values).");
        if (activity.Predictions == 0)
        {
            Empty(html, "latency", NoPredictionsText(report));
        }
        else
        {
            var half = activity.BucketWidth / 2;
            html.Append(ReportSvg.TimeLines(
                "latency", "Latency percentiles over time",
                [
                    new("p50", "p50", activity.Buckets.Select(b => (b.Start + half, b.LatencyP50Ms)).ToArray()),
                    new("p95", "p95", activity.Buckets.Select(b => (b.Start + half, b.LatencyP95Ms)).ToArray()),
                    new("p99", "p99", activity.Buckets.Select(b => (b.Start + half, b.LatencyP99Ms)).ToArray()),
                ],
                activity.From!.Value, activity.To!.Value, yMax: null, Ms));
        }

        html.Append("</section>\n");
    }

    private static void Accuracy(StringBuilder html, EndpointReport report)
    {
        var activity = report.Activity;
        Open(html, "accuracy", "Accuracy over time", $"Share of predictions equal to the true label sent later, per {Width(activity.BucketWidth)}, over the predictions that have one.");
        if (activity.Predictions == 0)
        {
            Empty(html, "accuracy", NoPredictionsText(report));
        }
        else if (activity.Labeled == 0)
        {
            Empty(html, "accuracy",
                $"No ground truth yet: none of the {activity.Predictions.ToString("N0", CultureInfo.InvariantCulture)} predictions in the window has a true label. " +
                "Accuracy appears here once true labels are sent for their prediction ids.");
        }
        else
        {
            var half = activity.BucketWidth / 2;
            html.Append(ReportSvg.TimeLines(
                "accuracy", "Accuracy over time",
                [new("accuracy", "accuracy", activity.Buckets.Select(b => (b.Start + half, b.Accuracy)).ToArray())],
                activity.From!.Value, activity.To!.Value, yMax: 1, Percent));
        }

        html.Append("</section>\n");
    }

    private static void Drift(StringBuilder html, EndpointReport report)
    {
        if (report.Drift is not { } drift)
        {
            Open(html, "drift", "Drift per feature", "Logged request inputs against the rows the served model was trained on.");
            Empty(html, "drift", report.DriftMessage ?? "No drift comparison.");
            html.Append("</section>\n");
            return;
        }

        var thresholds = drift.Features.FirstOrDefault()?.Thresholds ?? report.Options.Thresholds;
        Open(html, "drift", "Drift per feature",
            $"Baseline: {drift.Baseline}. Current: {drift.Current}. Drifted when PSI > {N(thresholds.Psi)}, " +
            $"or KS p < {N(thresholds.KsPValue)} with D > {N(thresholds.KsStatistic)}. PSI on a log scale; the dashed line is the PSI threshold.");
        html.Append(ReportSvg.HorizontalBars(
            "drift", "Population stability index per feature",
            drift.Features.Select(f => new ReportSvg.Bar(
                f.Feature, f.Psi, f.Drifted ? "drifted" : "stable",
                $"{f.Feature}: PSI {N(f.Psi)}, KS D {N(f.KsStatistic)}, p {P(f.KsPValue)}{(f.Drifted ? " (drifted)" : string.Empty)}")).ToArray(),
            logScale: true, thresholds.Psi, N));

        html.Append("<table data-table=\"drift\"><thead><tr><th>Feature</th><th class=\"num\">PSI</th><th class=\"num\">KS D</th><th class=\"num\">KS p</th>");
        html.Append("<th>Drifted</th><th class=\"num\">Baseline n</th><th class=\"num\">Current n</th><th class=\"num\">Baseline mean</th><th class=\"num\">Current mean</th></tr></thead><tbody>\n");
        foreach (var f in drift.Features)
        {
            html.Append(CultureInfo.InvariantCulture,
                $"<tr class=\"{(f.Drifted ? "drifted" : "stable")}\"><td>{E(f.Feature)}</td><td class=\"num\">{N(f.Psi)}</td><td class=\"num\">{N(f.KsStatistic)}</td>" +
                $"<td class=\"num\">{P(f.KsPValue)}</td><td><span class=\"flag {(f.Drifted ? "yes\">drifted" : "no\">no")}</span></td>" +
                $"<td class=\"num\">{f.BaselineCount:N0}</td><td class=\"num\">{f.CurrentCount:N0}</td><td class=\"num\">{G(f.BaselineMean)}</td><td class=\"num\">{G(f.CurrentMean)}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        foreach (var note in drift.Notes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{E(note)}</p>\n");
        }

        html.Append("<p class=\"key\">Share of rows per PSI bin:<i class=\"swatch\" style=\"background:#9aa5b1\"></i>baseline<i class=\"swatch\" style=\"background:#d9822b\"></i>current</p>\n");
        html.Append("<div class=\"histograms\">\n");
        foreach (var f in drift.Features)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div><h3>{E(f.Feature)}</h3>");
            html.Append(ReportSvg.Histogram("bins-" + f.Feature, $"Baseline and current share per bin of {f.Feature}", f.Bins));
            html.Append("</div>\n");
        }

        html.Append("</div>\n</section>\n");
    }

    private static void Importance(StringBuilder html, EndpointReport report)
    {
        Open(html, "importance", "Feature importance",
            report.Run is { } run ? $"Gain importance of the served model (run {run.RunId}, {Retraining.Retrainer.FeatureImportanceFile})." : "Gain importance of the served model.");
        if (report.FeatureImportance.Count == 0)
        {
            Empty(html, "importance", report.ImportanceMessage ?? "No feature importance.");
        }
        else
        {
            html.Append(ReportSvg.HorizontalBars(
                "importance", "Feature importance (gain)",
                report.FeatureImportance.Select(p => new ReportSvg.Bar(p.Key, p.Value, string.Empty, $"{p.Key}: gain {G(p.Value)}")).ToArray(),
                logScale: false, threshold: null, G));
        }

        html.Append("</section>\n");
    }

    private static void Deployments(StringBuilder html, EndpointReport report)
    {
        Open(html, "deployments", "Deployments", "Which model version was live when, newest first.");
        if (report.Deployments.Count == 0)
        {
            Empty(html, "deployments", "The endpoint has no deployment yet.");
        }
        else
        {
            html.Append("<table data-table=\"deployments\"><thead><tr><th>Model</th><th>Status</th><th>Deployed</th><th>Ended</th><th>Run</th></tr></thead><tbody>\n");
            foreach (var d in report.Deployments)
            {
                html.Append(CultureInfo.InvariantCulture,
                    $"<tr><td>{E(d.ModelUri)}</td><td>{E(d.Status.ToString())}</td><td>{(d.DeployedTime is { } at ? E(Time(at)) : "–")}</td>" +
                    $"<td>{(d.EndTime is { } end ? E(Time(end)) : "–")}</td><td><code>{E(d.RunId ?? "–")}</code></td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        html.Append("</section>\n");
    }

    private static void Footer(StringBuilder html, EndpointReport report)
    {
        var t = report.Options.Thresholds;
        html.Append("<footer>");
        html.Append(CultureInfo.InvariantCulture,
            $"PSI = Σ (c<sub>i</sub> − b<sub>i</sub>) ln(c<sub>i</sub> / b<sub>i</sub>) over up to {t.Bins} bins cut at the baseline's quantiles, plus one below its minimum and one above its maximum; shares floored at {N(t.Epsilon)}. ");
        html.Append("KS D is the largest gap between the two empirical distribution functions, p its asymptotic Kolmogorov p-value. ");
        html.Append("Made by MlopsPS Export-ModelEndpointReport; this file loads nothing from the network.");
        html.Append("</footer>\n");
    }

    private static void Open(StringBuilder html, string section, string title, string note) =>
        html.Append(CultureInfo.InvariantCulture, $"<section data-section=\"{E(section)}\">\n<h2>{E(title)}</h2>\n<p class=\"note\">{E(note)}</p>\n");

    private static void Empty(StringBuilder html, string section, string message) =>
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"empty\" data-empty=\"{E(section)}\">{E(message)}</p>\n");

    private static string NoPredictionsText(EndpointReport report) =>
        $"No predictions logged for endpoint '{report.Endpoint.Name}' " +
        (report.Options.Start is null && report.Options.End is null ? "yet" : $"in the window ({WindowText(report).ToLowerInvariant()})") +
        ". Predictions appear here once the endpoint serves requests with tracking on.";

    private static string WindowText(EndpointReport report)
    {
        var options = report.Options;
        return (options.Start, options.End) switch
        {
            (null, null) => "All predictions",
            ({ } start, null) => $"Since {Time(start)}",
            (null, { } end) => $"Before {Time(end)}",
            ({ } start, { } end) => $"From {Time(start)} to {Time(end)}",
        };
    }

    private static string Width(TimeSpan width) => width switch
    {
        { TotalDays: >= 1 } when width.TotalDays % 1 == 0 => width.TotalDays == 1 ? "day" : $"{width.TotalDays:0} days",
        { TotalHours: >= 1 } when width.TotalHours % 1 == 0 => width.TotalHours == 1 ? "hour" : $"{width.TotalHours:0} hours",
        { TotalMinutes: >= 1 } when width.TotalMinutes % 1 == 0 => width.TotalMinutes == 1 ? "minute" : $"{width.TotalMinutes:0} minutes",
        _ => $"{width.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} seconds",
    };

    private static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static string Time(DateTime at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Ms(double ms) => Number(ms) + " ms";

    private static string Number(double ms) => ms.ToString(ms < 10 ? "0.##" : "0.#", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString(value != 0 && Math.Abs(value) < 0.01 ? "0.####" : "0.###", CultureInfo.InvariantCulture);

    private static string G(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private static string P(double p) => p < 1e-4 ? "< 0.0001" : p.ToString("0.####", CultureInfo.InvariantCulture);

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
