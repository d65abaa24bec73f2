using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nabla.Configuration;

namespace Nabla.Doctor;

/// <summary>
/// The doctor's output files: the JSON contract (<c>{"verdict", "primary_cause", "findings" (each with "caused_by"), "history", "repair"}</c>),
/// history.csv (one row per epoch) and monitors.csv (one row per layer sample). All writes are atomic.
/// </summary>
public static class DiagnosisReport
{
    // Relaxed escaping keeps "doesn't" readable in findings.json (the default writes \u0027); the file is JSON for
    // tools and people, never embedded in HTML.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static JsonObject ToJson(Diagnosis diagnosis, RepairReport? repair = null)
    {
        var json = new JsonObject
        {
            ["verdict"] = diagnosis.Verdict,
            ["primary_cause"] = diagnosis.PrimaryCause,
            ["findings"] = new JsonArray(diagnosis.Findings.Select(f => (JsonNode)FindingJson(f)).ToArray()),
            ["history"] = new JsonObject(diagnosis.History.Select(kv =>
                KeyValuePair.Create(kv.Key, (JsonNode?)new JsonArray(kv.Value.Select(v => Number(v)).ToArray())))),
        };
        if (diagnosis.GradientFlow.Count > 0) json["gradient_flow"] = GradientFlowJson(diagnosis.GradientFlow);
        if (repair is not null) json["repair"] = RepairJson(repair);
        return json;
    }

    public static JsonObject FindingJson(Finding f) => new()
    {
        ["code"] = f.Code,
        ["severity"] = f.Severity.ToString().ToLowerInvariant(),
        ["layer"] = f.Layer,
        ["layer_index"] = f.LayerIndex,
        ["epoch"] = f.Epoch,
        ["step"] = f.Step,
        ["caused_by"] = f.CausedBy,
        ["evidence"] = new JsonObject(f.Evidence.Select(kv => KeyValuePair.Create(kv.Key, Value(kv.Value)))),
        ["message"] = f.Message,
        ["fixes"] = new JsonArray(f.Fixes.Select(x => (JsonNode)new JsonObject { ["code"] = x.Code, ["description"] = x.Description }).ToArray()),
    };

    /// <summary>Each branch with its kernel layers' median gradient norms, in topological order.</summary>
    private static JsonArray GradientFlowJson(IReadOnlyList<GradientBranch> branches) =>
        new(branches.Select(b => (JsonNode)new JsonObject
        {
            ["branch"] = b.Number,
            ["name"] = b.Name,
            ["layers"] = new JsonArray(b.Layers.Select(l => (JsonNode)new JsonObject
            {
                ["layer"] = l.Layer,
                ["layer_index"] = l.LayerIndex,
                ["position"] = l.Position,
                ["median_gradient_norm"] = Number(l.MedianGradientNorm),
            }).ToArray()),
        }).ToArray());

    private static JsonObject RepairJson(RepairReport r) => new()
    {
        ["succeeded"] = r.Succeeded,
        ["applied_fixes"] = new JsonArray(r.AppliedFixes.Select(f => (JsonNode)f).ToArray()),
        ["before"] = SummaryJson(RunSummary.Of(r.Original)),
        ["after"] = SummaryJson(RunSummary.Of(r.Best)),
        ["attempts"] = new JsonArray(r.Attempts.Select(a => (JsonNode)new JsonObject
        {
            ["fix"] = a.Fix,
            ["change"] = a.Change,
            ["kept"] = a.Kept,
            ["replaced_by"] = a.ReplacedBy,
            ["before"] = SummaryJson(a.Before),
            ["after"] = SummaryJson(a.After),
            ["error"] = a.Error,
        }).ToArray()),
        ["measured_costs"] = new JsonArray(r.MeasuredCosts.Select(c => (JsonNode)new JsonObject
        {
            ["finding"] = c.Finding, ["fix"] = c.Fix, ["sentence"] = c.Sentence,
        }).ToArray()),
        ["unconfirmed_warnings"] = new JsonArray(r.UnconfirmedWarnings.Select(u => (JsonNode)new JsonObject
        {
            ["finding"] = u.Finding, ["fixes_tried"] = new JsonArray(u.FixesTried.Select(f => (JsonNode)f).ToArray()),
        }).ToArray()),
    };

    private static JsonObject SummaryJson(RunSummary s) => new()
    {
        ["loss"] = Number(s.Loss),
        ["accuracy"] = s.Accuracy is double a ? Number(a) : null,
        ["val_loss"] = s.ValLoss is double vl ? Number(vl) : null,
        ["val_accuracy"] = s.ValAccuracy is double va ? Number(va) : null,
        ["verdict"] = s.Verdict,
        ["findings"] = new JsonArray(s.Findings.Select(c => (JsonNode)c).ToArray()),
        ["seconds"] = Number(s.Seconds),
    };

    /// <summary>JSON has no NaN or infinity: those become strings ("NaN", "Infinity").</summary>
    private static JsonNode? Number(double v) => double.IsFinite(v) ? JsonValue.Create(v) : JsonValue.Create(v.ToString(CultureInfo.InvariantCulture));

    private static JsonNode? Value(object v) => v switch
    {
        double d => Number(d),
        float f => Number(f),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        bool b => JsonValue.Create(b),
        _ => JsonValue.Create(v.ToString()),
    };

    public static string ToJsonString(Diagnosis diagnosis, RepairReport? repair = null) =>
        ToJson(diagnosis, repair).ToJsonString(Indented);

    /// <summary>Writes findings.json, history.csv and monitors.csv into <paramref name="directory"/>.</summary>
    public static void Write(string directory, Diagnosis diagnosis, RepairReport? repair = null)
    {
        Directory.CreateDirectory(directory);
        AtomicFile.WriteAllText(Path.Combine(directory, "findings.json"), ToJsonString(diagnosis, repair));
        AtomicFile.WriteAllText(Path.Combine(directory, "history.csv"), HistoryCsv(diagnosis));
        AtomicFile.WriteAllText(Path.Combine(directory, "monitors.csv"), MonitorsCsv(diagnosis.Samples));
    }

    public static string HistoryCsv(Diagnosis diagnosis)
    {
        var keys = diagnosis.History.Keys.Order(StringComparer.Ordinal).ToList();
        var sb = new StringBuilder("epoch");
        foreach (var k in keys) sb.Append(',').Append(k);
        sb.Append('\n');
        int epochs = keys.Count == 0 ? 0 : keys.Max(k => diagnosis.History[k].Count);
        for (int e = 0; e < epochs; e++)
        {
            sb.Append(e.ToString(CultureInfo.InvariantCulture));
            foreach (var k in keys)
                sb.Append(',').Append(e < diagnosis.History[k].Count ? diagnosis.History[k][e].ToString("R", CultureInfo.InvariantCulture) : "");
            sb.Append('\n');
        }
        return sb.ToString();
    }

    public static string MonitorsCsv(IReadOnlyList<LayerSample> samples)
    {
        var sb = new StringBuilder("epoch,step,layer_index,layer,activation,kernel_grad_norm,bias_grad_norm,update_ratio," +
            "weight_mean,weight_std,expected_std,saturated_fraction,dead_fraction,zero_gradient_fraction,mean_abs_output,gradient_missing,state_gradient_ratio," +
            "stuck_gates\n");
        var inv = CultureInfo.InvariantCulture;
        foreach (var s in samples)
            sb.Append(inv, $"{s.Epoch},{s.Step},{s.LayerIndex},{s.Layer},{s.Activation},{s.KernelGradNorm:R},{s.BiasGradNorm:R},{s.UpdateRatio:R},")
              .Append(inv, $"{s.WeightMean:R},{s.WeightStd:R},{s.ExpectedStd:R},{s.SaturatedFraction:R},{s.DeadFraction:R},{s.ZeroGradientFraction:R},{s.MeanAbsOutput:R},")
              .Append(s.GradientMissing ? "true" : "false").Append(inv, $",{s.StateGradientRatio:R},{StuckGates(s)}").Append('\n');
        return sb.ToString();
    }

    /// <summary>A gated layer's stuck shares as "input 0/0; forget 1/0" (closed/open per gate); empty for other layers.</summary>
    private static string StuckGates(LayerSample s) => s.Gates is null ? ""
        : string.Join("; ", s.Gates.Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Gate} {g.StuckClosed:0.##}/{g.StuckOpen:0.##}")));
}
