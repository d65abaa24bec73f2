namespace Nabla.Diagnostics;

public static partial class Doctor
{
    /// <summary>The order in which findings are treated: causes before the symptoms they produce.</summary>
    private static readonly string[] TreatmentOrder =
    [
        FindingCodes.MissingGradients, FindingCodes.LossOutputMismatch, FindingCodes.NanLoss, FindingCodes.ExplodingGradients,
        FindingCodes.UnnormalizedInputs, FindingCodes.SaturatedActivations, FindingCodes.VanishingGradients,
        FindingCodes.PoorInitialization, FindingCodes.DeadRelu, FindingCodes.LearningRateTooHigh, FindingCodes.LearningRateTooLow,
        FindingCodes.OscillatingLoss, FindingCodes.LossPlateau,
    ];

    /// <summary>
    /// Trains the experiment, and while the doctor finds errors, tries their fixes in order: each fix
    /// changes the model, compile or fit configuration and the model is retrained from scratch under the
    /// same seed and budget. A fix is kept when its run scores better (see <see cref="ExperimentResult.Score"/>);
    /// the search stops when a run is healthy or the budget is spent.
    /// </summary>
    public static RepairReport Repair(Experiment experiment, RepairOptions? options = null)
    {
        options ??= new RepairOptions();
        if (options.EpochsPerAttempt is int epochs) experiment = experiment with { Epochs = epochs };
        var original = ExperimentResult.Run(experiment, options.Doctor);
        var best = original;
        var attempts = new List<RepairAttempt>();
        var tried = new HashSet<string>();
        while (attempts.Count < options.MaxAttempts && !best.Diagnosis.IsHealthy)
        {
            var next = NextFix(best, tried);
            if (next is null) break;
            var (fix, changed, change) = next.Value;
            tried.Add(fix);
            var result = ExperimentResult.Run(changed, options.Doctor);
            bool kept = result.Score > best.Score || (result.Diagnosis.IsHealthy && result.Score >= best.Score);
            attempts.Add(new RepairAttempt(fix, change, RunSummary.Of(best), RunSummary.Of(result), kept));
            if (kept) best = result;
        }
        return new RepairReport(original, attempts, best);
    }

    /// <summary>The first untried fix, of the most fundamental error finding, that applies to this experiment.</summary>
    private static (string fix, Experiment changed, string change)? NextFix(ExperimentResult current, HashSet<string> tried)
    {
        var errors = current.Diagnosis.Findings
            .Where(f => f.Severity == Severity.Error)
            .OrderBy(f => Array.IndexOf(TreatmentOrder, f.Code) is var i && i < 0 ? int.MaxValue : i);
        foreach (var finding in errors)
            foreach (var fix in finding.Fixes)
            {
                if (tried.Contains(fix.Code)) continue;
                var applied = Repairs.Apply(fix.Code, current.Experiment, current.Model);
                if (applied is not null) return (fix.Code, applied.Value.experiment, applied.Value.change);
                tried.Add(fix.Code);
            }
        return null;
    }
}
