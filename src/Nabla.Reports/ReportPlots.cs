using Nabla.Doctor;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace Nabla.Reports;

/// <summary>
/// The report's charts, built with ScottPlot from a diagnosis: training curves per epoch and per-layer
/// monitor series over training. Each method returns null when the diagnosis has nothing to draw, so the
/// report shows only charts with data.
/// </summary>
public static class ReportPlots
{
    public const int Width = 720;
    public const int Height = 360;

    /// <summary>One named chart, rendered to SVG text.</summary>
    public sealed record Chart(string Title, string Caption, string Svg);

    /// <summary>A diagnosis's charts in report order: loss, metrics, then the per-layer monitors.</summary>
    public static IReadOnlyList<Chart> Of(Diagnosis diagnosis) =>
        [.. Loss(diagnosis.History) is { } loss ? [loss] : Array.Empty<Chart>(), .. Metrics(diagnosis.History),
            .. GradientFlow(diagnosis.GradientFlow) is { } flow ? [flow] : Array.Empty<Chart>(), .. Layers(diagnosis.Samples)];

    /// <summary>A repair's chart: the original run's loss against the best run's.</summary>
    public static Chart? Of(RepairReport repair) => LossOverlay(repair.Original.Diagnosis.History, repair.Best.Diagnosis.History);

    /// <summary>Loss and, when validated, validation loss per epoch.</summary>
    public static Chart? Loss(IReadOnlyDictionary<string, IReadOnlyList<double>> history) =>
        Curves(history, "loss", "Loss per epoch",
            "Training loss (dark, filled dots) and validation loss (light, open dots). A network that learns brings both down; a flat line means nothing is learned.");

    /// <summary>One chart per metric (accuracy, learning rate...), its validation twin on the same axes.</summary>
    public static IReadOnlyList<Chart> Metrics(IReadOnlyDictionary<string, IReadOnlyList<double>> history) =>
        history.Keys
            .Select(k => k.StartsWith(ValPrefix, StringComparison.Ordinal) ? k[ValPrefix.Length..] : k)
            .Where(k => k != "loss")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(metric => Curves(history, metric, $"{metric} per epoch", $"Training {metric} (dark, filled dots) and validation {metric} (light, open dots)."))
            .OfType<Chart>()
            .ToList();

    /// <summary>The per-layer monitor charts: gradient norm (log scale), saturation, dead units, update/weight ratio.</summary>
    public static IReadOnlyList<Chart> Layers(IReadOnlyList<LayerSample> samples) => new[]
    {
        PerLayer(samples, s => s.KernelGradNorm, logScale: true, "Gradient norm per layer", "‖∂loss/∂kernel‖ (log)",
            "Each layer's kernel-gradient norm over training, log scale. Lines falling decades below the last layer's mean the gradient vanishes on its way back; lines climbing by decades mean it explodes."),
        PerLayer(samples, s => s.SaturatedFraction, logScale: false, "Saturated activations per layer", "saturated fraction",
            "Share of sigmoid/tanh inputs so large that the activation is flat (its gradient near zero). Near 1, the layer passes almost no gradient."),
        PerLayer(samples, s => s.DeadFraction, logScale: false, "Dead ReLU units per layer", "dead fraction",
            "Share of ReLU units that output zero for a whole batch: they get no gradient and stop learning."),
        PerLayer(samples, s => s.UpdateRatio, logScale: true, "Update/weight ratio per layer", "‖Δkernel‖ / ‖kernel‖ (log)",
            "How much one optimizer step changes each kernel, relative to its size. Around 1e-3 is typical; far below, the layer barely moves; near 1, the step is too large."),
    }.OfType<Chart>().ToList();

    /// <summary>Each kernel layer's median gradient norm (log scale), the layers along the x axis in topological order,
    /// one colour per branch. Null without a layer that got a gradient.</summary>
    public static Chart? GradientFlow(IReadOnlyList<GradientBranch> branches)
    {
        const string title = "Gradient norm by layer, per branch";
        var plot = NewPlot(title, "layer (topological order)", "median ‖∂loss/∂kernel‖ (log)");
        var palette = new ScottPlot.Palettes.Category10();
        var (low, high) = (double.PositiveInfinity, double.NegativeInfinity);
        var ticks = new NumericManual();
        foreach (var branch in branches)
        {
            var color = palette.GetColor(branch.Number - 1);
            foreach (var layer in branch.Layers) ticks.AddMajor(layer.Position + 1, layer.Layer);
            var points = branch.Layers.Where(l => l.MedianGradientNorm > 0 && double.IsFinite(l.MedianGradientNorm))
                .Select(l => (x: l.Position + 1.0, y: Math.Log10(l.MedianGradientNorm))).ToList();
            if (points.Count == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.x).ToArray(), points.Select(p => p.y).ToArray(), color);
            line.LegendText = $"branch {branch.Number}: {branch.Name}";
            line.LineWidth = 2;
            line.MarkerSize = 7;
            low = Math.Min(low, points.Min(p => p.y));
            high = Math.Max(high, points.Max(p => p.y));
        }
        if (low > high) return null;
        UseLogTicks(plot, low, high);
        // A little room around the whole decades, so that the bottom one keeps its label.
        var limits = plot.Axes.GetLimits();
        plot.Axes.SetLimitsY(limits.Bottom - 0.05, limits.Top + 0.05);
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.Bottom.TickLabelStyle.Rotation = -35;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        // Room below the axis for the slanted layer names, clear of the axis label.
        plot.Axes.Bottom.MinimumSize = 40 + 7 * Math.Min(24, branches.SelectMany(b => b.Layers).Max(l => l.Layer.Length));
        plot.Axes.SetLimitsX(0.5, branches.Sum(b => b.Layers.Count) + 0.5);
        return Render(plot, title,
            "Each layer's median kernel-gradient norm over the sampled steps, the layers in the order the data reaches them, one colour per branch " +
            "(a run of layers between fork and merge points; a Sequential model is one branch). A branch far below the others learns little; " +
            "a layer missing from its line got no gradient.");
    }

    /// <summary>The loss before and after a repair, on the same axes.</summary>
    public static Chart? LossOverlay(IReadOnlyDictionary<string, IReadOnlyList<double>> before, IReadOnlyDictionary<string, IReadOnlyList<double>> after)
    {
        var plot = NewPlot("Loss before and after the repair", "epoch", "loss");
        bool any = false;
        any |= AddEpochSeries(plot, before, "loss", "before: loss", Colors.C1, validation: false);
        any |= AddEpochSeries(plot, before, ValPrefix + "loss", "before: val_loss", Colors.C1, validation: true);
        any |= AddEpochSeries(plot, after, "loss", "after: loss", Colors.C2, validation: false);
        any |= AddEpochSeries(plot, after, ValPrefix + "loss", "after: val_loss", Colors.C2, validation: true);
        return any ? Render(plot, "Loss before and after the repair",
            "The original run (orange) and the repaired run (green). The repair may change the loss function, so compare shapes rather than values when it did.") : null;
    }

    /// <summary>
    /// Renders a throwaway chart through the same code paths as the report's (curves, legend, log ticks, SVG):
    /// the first chart of a process pays for loading Skia's native library and compiling ScottPlot (about 0.6 s
    /// with tiered compilation off), so a caller that trains first can pay it on an idle core meanwhile.
    /// </summary>
    public static void WarmUp()
    {
        var plot = NewPlot("warm-up", "epoch", "loss");
        var history = new Dictionary<string, IReadOnlyList<double>> { ["loss"] = [1.0, 0.5], [ValPrefix + "loss"] = [1.1, 0.6] };
        AddEpochSeries(plot, history, "loss", "loss", Colors.C0, validation: false);
        AddEpochSeries(plot, history, ValPrefix + "loss", ValPrefix + "loss", Colors.C0, validation: true);
        UseLogTicks(plot, -1, 0);
        Render(plot, "warm-up", "");
    }

    private const string ValPrefix = "val_";

    private static Chart? Curves(IReadOnlyDictionary<string, IReadOnlyList<double>> history, string metric, string title, string caption)
    {
        var plot = NewPlot(title, "epoch", metric);
        bool any = AddEpochSeries(plot, history, metric, metric, Colors.C0, validation: false);
        any |= AddEpochSeries(plot, history, ValPrefix + metric, ValPrefix + metric, Colors.C0, validation: true);
        return any ? Render(plot, title, caption) : null;
    }

    /// <summary>Adds one history series against 1-based epochs, skipping non-finite values (a NaN loss has no point).
    /// Validation series are told apart by a lighter colour and open dots, not dashes: Skia's SVG output drops dash effects.</summary>
    private static bool AddEpochSeries(Plot plot, IReadOnlyDictionary<string, IReadOnlyList<double>> history, string key, string label,
        Color color, bool validation)
    {
        if (!history.TryGetValue(key, out var values)) return false;
        var points = values.Select((v, e) => (x: e + 1.0, y: v)).Where(p => double.IsFinite(p.y)).ToList();
        if (points.Count == 0) return false;
        var line = plot.Add.Scatter(points.Select(p => p.x).ToArray(), points.Select(p => p.y).ToArray(), validation ? color.Lighten(0.45) : color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerShape = validation ? MarkerShape.OpenCircle : MarkerShape.FilledCircle;
        line.MarkerSize = validation ? 7 : 5;
        return true;
    }

    /// <summary>One line per layer of <paramref name="value"/> over training; samples where the value does not
    /// apply (NaN) or cannot be drawn on a log axis (≤ 0) are left out.</summary>
    private static Chart? PerLayer(IReadOnlyList<LayerSample> samples, Func<LayerSample, double> value, bool logScale,
        string title, string yLabel, string caption)
    {
        var plot = NewPlot(title, "epoch", yLabel);
        var positions = EpochPositions(samples);
        var (low, high) = (double.PositiveInfinity, double.NegativeInfinity);
        var palette = new ScottPlot.Palettes.Category10();
        int colorIndex = 0;
        foreach (var layer in samples.GroupBy(s => s.LayerIndex).OrderBy(g => g.Key))
        {
            var points = layer
                .Select(s => (x: positions[s.Step], y: value(s)))
                .Where(p => double.IsFinite(p.y) && (!logScale || p.y > 0))
                .Select(p => (p.x, y: logScale ? Math.Log10(p.y) : p.y))
                .ToList();
            var color = palette.GetColor(colorIndex++);
            if (points.Count == 0) continue;
            var line = plot.Add.Scatter(points.Select(p => p.x).ToArray(), points.Select(p => p.y).ToArray(), color);
            line.LegendText = $"{layer.First().Layer} ({layer.First().Activation})";
            line.LineWidth = 2;
            line.MarkerSize = points.Count == 1 ? 6 : 3;
            low = Math.Min(low, points.Min(p => p.y));
            high = Math.Max(high, points.Max(p => p.y));
        }
        if (low > high) return null;
        if (logScale) UseLogTicks(plot, low, high);
        return Render(plot, title, caption);
    }

    /// <summary>Where each sampled step sits on an axis of epochs completed: 0-based epoch e's sampled steps spread
    /// evenly over [e, e+1), so a sample lines up with the history charts, whose point for epoch e+1 marks its end.</summary>
    private static Dictionary<long, double> EpochPositions(IReadOnlyList<LayerSample> samples)
    {
        var positions = new Dictionary<long, double>();
        foreach (var epoch in samples.GroupBy(s => s.Epoch))
        {
            var steps = epoch.Select(s => s.Step).Distinct().Order().ToList();
            for (int i = 0; i < steps.Count; i++) positions[steps[i]] = epoch.Key + (double)i / steps.Count;
        }
        return positions;
    }

    /// <summary>ScottPlot has no log axis: the series hold log10 values, and the ticks are labelled as powers of ten.
    /// The axis spans whole decades around the data [<paramref name="low"/>, <paramref name="high"/>] (log10), so
    /// at least two powers of ten are labelled even when the data moves within one decade.</summary>
    private static void UseLogTicks(Plot plot, double low, double high)
    {
        plot.Axes.SetLimitsY(Math.Floor(low), Math.Max(Math.Ceiling(high), Math.Floor(low) + 1));
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y).ToString("0.#e+0", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>A sans-serif face the machine has (Debian ships DejaVu): on Linux, ScottPlot's own pick can fall
    /// back to a serif face. The SVG names the face and places each glyph, so the browser draws the measured text.</summary>
    private static readonly string SansFont =
        new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica" }.FirstOrDefault(SkiaSharp.SKFontManager.Default.FontFamilies.Contains)
        ?? Fonts.Default;

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(SansFont);
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        // Every chart's x axis counts epochs: ticks at whole epochs only, never "1.5".
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        return plot;
    }

    private static Chart Render(Plot plot, string title, string caption)
    {
        plot.ShowLegend(Edge.Right);
        return new Chart(title, caption, plot.GetSvgXml(Width, Height));
    }

    /// <summary>The report's fixed colours (Category10), so "before" and "after" keep theirs across charts.</summary>
    private static class Colors
    {
        public static readonly Color C0 = new ScottPlot.Palettes.Category10().GetColor(0);
        public static readonly Color C1 = new ScottPlot.Palettes.Category10().GetColor(1);
        public static readonly Color C2 = new ScottPlot.Palettes.Category10().GetColor(2);
    }
}
