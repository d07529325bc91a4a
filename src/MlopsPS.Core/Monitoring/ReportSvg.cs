using System.Globalization;
using System.Net;
using System.Text;

namespace MlopsPS.Core.Monitoring;

/// <summary>
/// The report's charts as inline SVG, drawn here rather than by a charting script so the file needs no network and no
/// JavaScript to show them. Every data point is an element of class <c>point</c> with a <c>&lt;title&gt;</c> (the
/// browser's tooltip); each chart's <c>data-points</c> attribute says how many there are, so a test can check that the
/// browser drew them all.
/// </summary>
internal static class ReportSvg
{
    /// <summary>The width of a full-size chart in SVG units (it scales with the page).</summary>
    public const double Width = 760;

    private const double Height = 230;
    private const double Left = 58;
    private const double Right = 18;
    private const double Top = 14;
    private const double Bottom = 36;

    private static readonly TimeSpan[] s_timeTicks =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6), TimeSpan.FromHours(12),
        TimeSpan.FromDays(1), TimeSpan.FromDays(2), TimeSpan.FromDays(7), TimeSpan.FromDays(30),
    ];

    /// <summary>One line of a time chart; null values leave a gap.</summary>
    public sealed record Series(string Name, string CssClass, IReadOnlyList<(DateTime At, double? Value)> Points);

    /// <summary>One bar of a horizontal bar chart.</summary>
    public sealed record Bar(string Label, double Value, string CssClass, string Tooltip);

    /// <summary>Lines over time (latency, accuracy), one circle per value, from 0 to the largest value or <paramref name="yMax"/>.</summary>
    public static string TimeLines(
        string chart, string label, IReadOnlyList<Series> series, DateTime from, DateTime to, double? yMax, Func<double, string> format)
    {
        var max = yMax ?? NiceMax(series.SelectMany(s => s.Points).Where(p => p.Value is not null).Select(p => p.Value!.Value).DefaultIfEmpty(1).Max());
        var points = series.Sum(s => s.Points.Count(p => p.Value is not null));
        var svg = Open(chart, label, Width, Height, points);
        YAxis(svg, max, format);
        TimeAxis(svg, from, to);
        foreach (var line in series)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"series {line.CssClass}\">");
            var segment = new List<string>();
            foreach (var (at, value) in line.Points)
            {
                if (value is null)
                {
                    Polyline(svg, segment);
                    continue;
                }

                segment.Add(Pair(X(at, from, to), Y(value.Value, max)));
            }

            Polyline(svg, segment);
            foreach (var (at, value) in line.Points.Where(p => p.Value is not null))
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle class=\"point\" cx=\"{N(X(at, from, to))}\" cy=\"{N(Y(value!.Value, max))}\" r=\"3\">");
                svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(line.Name)} {Encode(Time(at))}: {Encode(format(value.Value))}</title></circle>");
            }

            svg.Append("</g>");
        }

        Legend(svg, series.Select(s => (s.Name, s.CssClass)).ToArray());
        return Close(svg);
    }

    /// <summary>Bars over time (request volume), one per non-empty bucket, each with its tooltip.</summary>
    public static string TimeBars(
        string chart, string label, IReadOnlyList<(DateTime Start, double Value, string Tooltip)> bars, TimeSpan width, DateTime from, DateTime to, Func<double, string> format)
    {
        var drawn = bars.Where(b => b.Value > 0).ToArray();
        var max = NiceMax(drawn.Select(b => b.Value).DefaultIfEmpty(1).Max());
        var svg = Open(chart, label, Width, Height, drawn.Length);
        YAxis(svg, max, format);
        TimeAxis(svg, from, to);
        foreach (var (start, value, tooltip) in drawn)
        {
            var x0 = X(start, from, to);
            var x1 = X(start + width, from, to);
            var gap = Math.Min(2, (x1 - x0) * 0.15);
            var y = Y(value, max);
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"point bar\" x=\"{N(x0 + gap / 2)}\" y=\"{N(y)}\" width=\"{N(Math.Max(0.5, x1 - x0 - gap))}\" height=\"{N(Height - Bottom - y)}\">");
            svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(Time(start))}: {Encode(tooltip)}</title></rect>");
        }

        return Close(svg);
    }

    /// <summary>
    /// Horizontal bars, one per item, on a linear scale from 0 or a log scale from 0.001 (PSI spans four decades: a linear
    /// scale would hide every small value next to a drifted one), with an optional threshold line.
    /// </summary>
    public static string HorizontalBars(
        string chart, string label, IReadOnlyList<Bar> bars, bool logScale, double? threshold, Func<double, string> format)
    {
        const double labelWidth = 170, valueWidth = 70, rowHeight = 24, axis = 28;
        var top = threshold is null ? 8.0 : 24.0;
        var height = top + (bars.Count * rowHeight) + axis;
        var plotLeft = labelWidth;
        var plotWidth = Width - labelWidth - valueWidth;
        const double logLow = 0.001;
        var largest = bars.Select(b => b.Value).Append(threshold ?? 0).DefaultIfEmpty(1).Max();
        var high = logScale ? Math.Pow(10, Math.Ceiling(Math.Log10(Math.Max(largest, 1)))) : NiceMax(largest);
        double Scale(double value) => logScale
            ? Math.Clamp(Math.Log10(Math.Max(value, logLow) / logLow) / Math.Log10(high / logLow), 0, 1) * plotWidth
            : Math.Clamp(value / high, 0, 1) * plotWidth;

        var svg = Open(chart, label, Width, height, bars.Count);
        var ticks = logScale
            ? Enumerable.Range(0, (int)Math.Round(Math.Log10(high / logLow)) + 1).Select(k => logLow * Math.Pow(10, k)).ToArray()
            : Ticks(high);
        foreach (var tick in ticks)
        {
            var x = plotLeft + Scale(tick);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(top)}\" y2=\"{N(height - axis)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(x)}\" y=\"{N(height - axis + 16)}\" text-anchor=\"middle\">{Encode(format(tick))}</text>");
        }

        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = top + (i * rowHeight);
            var length = Math.Max(1, Scale(bar.Value));
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"label\" x=\"{N(plotLeft - 8)}\" y=\"{N(y + (rowHeight / 2) + 4)}\" text-anchor=\"end\">{Encode(bar.Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"point bar {bar.CssClass}\" x=\"{N(plotLeft)}\" y=\"{N(y + 4)}\" width=\"{N(length)}\" height=\"{N(rowHeight - 8)}\"><title>{Encode(bar.Tooltip)}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"value\" x=\"{N(plotLeft + length + 6)}\" y=\"{N(y + (rowHeight / 2) + 4)}\">{Encode(format(bar.Value))}</text>");
        }

        if (threshold is { } line)
        {
            var x = plotLeft + Scale(line);
            svg.Append(CultureInfo.InvariantCulture,
                $"<line class=\"threshold\" x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(top - 18)}\" y2=\"{N(height - axis)}\"><title>threshold {Encode(format(line))}</title></line>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"threshold-label\" x=\"{N(x + 4)}\" y=\"{N(top - 8)}\">threshold {Encode(format(line))}</text>");
        }

        return Close(svg);
    }

    /// <summary>The PSI bins of one feature: the baseline's and the current share side by side, lowest bin first.</summary>
    public static string Histogram(string chart, string label, IReadOnlyList<DriftBin> bins)
    {
        const double width = 360, height = 150, left = 36, right = 8, top = 8, bottom = 26;
        var max = NiceMax(bins.Select(b => Math.Max(b.BaselineShare, b.CurrentShare)).DefaultIfEmpty(0.01).Max());
        var svg = Open(chart, label, width, height, bins.Count);
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        foreach (var tick in new[] { 0, max / 2, max })
        {
            var y = top + plotHeight - (tick / max * plotHeight);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(left)}\" x2=\"{N(width - right)}\" y1=\"{N(y)}\" y2=\"{N(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(left - 4)}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{Encode(Percent(tick))}</text>");
        }

        var slot = plotWidth / Math.Max(1, bins.Count);
        for (var i = 0; i < bins.Count; i++)
        {
            var bin = bins[i];
            var x = left + (i * slot);
            var barWidth = Math.Max(0.5, (slot - 2) / 2);
            var baselineHeight = bin.BaselineShare / max * plotHeight;
            var currentHeight = bin.CurrentShare / max * plotHeight;
            var title = $"{bin.Label}: baseline {Percent(bin.BaselineShare)} ({bin.BaselineCount}), current {Percent(bin.CurrentShare)} ({bin.CurrentCount})";
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"point\"><title>{Encode(title)}</title>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"baseline\" x=\"{N(x + 1)}\" y=\"{N(top + plotHeight - baselineHeight)}\" width=\"{N(barWidth)}\" height=\"{N(baselineHeight)}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"current\" x=\"{N(x + 1 + barWidth)}\" y=\"{N(top + plotHeight - currentHeight)}\" width=\"{N(barWidth)}\" height=\"{N(currentHeight)}\"/>");
            // An invisible full-height target, so a bin both sides left empty still has a box to hover (and to count).
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect class=\"hit\" x=\"{N(x)}\" y=\"{N(top)}\" width=\"{N(slot)}\" height=\"{N(plotHeight)}\"/></g>");
        }

        if (bins.Count > 2)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"tick\" x=\"{N(left)}\" y=\"{N(height - 8)}\">{Encode(bins[1].Label)}</text>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"tick\" x=\"{N(width - right)}\" y=\"{N(height - 8)}\" text-anchor=\"end\">{Encode(bins[^1].Label)}</text>");
        }

        return Close(svg);
    }

    /// <summary>A round number at or above <paramref name="value"/> for an axis end (1, 2, 2.5 or 5 times a power of ten).</summary>
    public static double NiceMax(double value)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value * (1 - 1e-12))
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static double[] Ticks(double max) => [0, max / 4, max / 2, max * 3 / 4, max];

    private static StringBuilder Open(string chart, string label, double width, double height, int points)
    {
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture,
            $"<svg class=\"chart\" data-chart=\"{Encode(chart)}\" data-points=\"{points}\" viewBox=\"0 0 {N(width)} {N(height)}\" width=\"{N(width)}\" height=\"{N(height)}\" role=\"img\" aria-label=\"{Encode(label)}\" xmlns=\"http://www.w3.org/2000/svg\">");
        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static void YAxis(StringBuilder svg, double max, Func<double, string> format)
    {
        foreach (var tick in Ticks(max))
        {
            var y = Y(tick, max);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"grid\" x1=\"{N(Left)}\" x2=\"{N(Width - Right)}\" y1=\"{N(y)}\" y2=\"{N(y)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick\" x=\"{N(Left - 6)}\" y=\"{N(y + 4)}\" text-anchor=\"end\">{Encode(format(tick))}</text>");
        }
    }

    private static void TimeAxis(StringBuilder svg, DateTime from, DateTime to)
    {
        var span = to - from;
        var step = s_timeTicks.FirstOrDefault(s => span.Ticks / s.Ticks <= 6, s_timeTicks[^1]);
        var first = new DateTime((from.Ticks + step.Ticks - 1) / step.Ticks * step.Ticks, DateTimeKind.Utc);
        var format = step >= TimeSpan.FromDays(1) ? "MM-dd" : span > TimeSpan.FromDays(1) ? "MM-dd HH:mm" : "HH:mm";
        var baseline = Height - Bottom;
        svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{N(Left)}\" x2=\"{N(Width - Right)}\" y1=\"{N(baseline)}\" y2=\"{N(baseline)}\"/>");
        for (var tick = first; tick <= to; tick += step)
        {
            var x = X(tick, from, to);
            svg.Append(CultureInfo.InvariantCulture, $"<line class=\"axis\" x1=\"{N(x)}\" x2=\"{N(x)}\" y1=\"{N(baseline)}\" y2=\"{N(baseline + 4)}\"/>");
            svg.Append(CultureInfo.InvariantCulture,
                $"<text class=\"tick\" x=\"{N(x)}\" y=\"{N(baseline + 17)}\" text-anchor=\"middle\">{Encode(tick.ToString(format, CultureInfo.InvariantCulture))}</text>");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text class=\"tick unit\" x=\"{N(Width - Right)}\" y=\"{N(Height - 2)}\" text-anchor=\"end\">UTC</text>");
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<(string Name, string CssClass)> entries)
    {
        var x = Left + 8;
        foreach (var (name, css) in entries)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<g class=\"legend {css}\"><line x1=\"{N(x)}\" x2=\"{N(x + 16)}\" y1=\"{N(Top + 6)}\" y2=\"{N(Top + 6)}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x + 20)}\" y=\"{N(Top + 10)}\">{Encode(name)}</text></g>");
            x += 28 + (name.Length * 7);
        }
    }

    private static void Polyline(StringBuilder svg, List<string> segment)
    {
        if (segment.Count > 1)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{string.Join(' ', segment)}\"/>");
        }

        segment.Clear();
    }

    private static double X(DateTime at, DateTime from, DateTime to)
    {
        var span = Math.Max(1, (to - from).Ticks);
        return Left + ((double)(at - from).Ticks / span * (Width - Left - Right));
    }

    private static double Y(double value, double max) => Top + ((1 - Math.Clamp(value / max, 0, 1)) * (Height - Top - Bottom));

    private static string Pair(double x, double y) => N(x) + "," + N(y);

    private static string N(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Time(DateTime at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private static string Percent(double share) => (share * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
