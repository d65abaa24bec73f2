namespace Nabla.Doctor;

public sealed partial class TrainingDoctor
{
    /// <summary>
    /// Trains the experiment, and while the doctor finds errors or warnings, tries their fixes in order: each fix
    /// changes the model, compile or fit configuration and the model is retrained from scratch under the
    /// same seed and budget. A fix is kept when its run scores better (see <see cref="ExperimentResult.Score"/>);
    /// the search stops when a run has no error or warning left, or the budget is spent. A structural fix (not a
    /// learning-rate step or more epochs) that is kept but leaves the run unhealthy is compared with its finding's later
    /// structural fixes, each tried on the run it changed; a better one replaces it (<see cref="RepairAttempt.ReplacedBy"/>).
    /// </summary>
    /// <remarks>A fix that leaves an experiment Nabla refuses (a documented <see cref="ArgumentException"/>,
    /// <see cref="NotSupportedException"/>, <see cref="InvalidOperationException"/> or <see cref="Nabla.Data.DataFormatException"/>)
    /// is a failed attempt, reported with the refusal, and the search goes on; any other exception propagates.</remarks>
    public static RepairReport Repair(Experiment experiment, RepairOptions? options = null) =>
        RepairUsing(ExperimentResult.Run, experiment, options);

    /// <summary>The repair search with its runs made by <paramref name="run"/> (tests substitute a run that fails).</summary>
    internal static RepairReport RepairUsing(Func<Experiment, DoctorOptions, ExperimentResult> run, Experiment experiment, RepairOptions? options)
    {
        options ??= new RepairOptions();
        if (options.EpochsPerAttempt is int epochs) experiment = experiment with { Epochs = epochs };
        var original = run(experiment, options.Doctor);
        var best = original;
        var attempts = new List<RepairAttempt>();
        var tried = new Dictionary<string, int>();
        // The alternatives to a kept structural fix: the run it changed, its finding's later fixes, and its attempt.
        ExperimentResult? alternativesFrom = null;
        var alternatives = new Queue<string>();
        int keptIndex = -1;
        while (attempts.Count < options.MaxAttempts && best.Diagnosis.ProblemCodes.Count > 0)
        {
            var from = best;
            (string fix, Experiment changed, string change, Finding? finding)? next = null;
            if (alternativesFrom is not null)
            {
                from = alternativesFrom;
                next = NextAlternative(alternatives, alternativesFrom);
                if (next is null) alternativesFrom = null;
            }
            if (next is null)
            {
                from = best;
                next = NextFix(best, tried, attempts);
                if (next is null) break;
                tried[next.Value.fix] = tried.GetValueOrDefault(next.Value.fix) + 1;
            }
            var (fix, changed, change, foundBy) = next.Value;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            ExperimentResult result;
            try { result = run(changed, options.Doctor); }
            catch (Exception e) when (IsRefusal(e))
            {
                string error = $"{e.GetType().Name}: {e.Message}";
                attempts.Add(new RepairAttempt(fix, change, RunSummary.Of(from), RunSummary.Failed(error, clock.Elapsed.TotalSeconds), Kept: false)
                    { Error = error });
                continue;
            }
            bool kept = Keeps(result, best, options.Doctor.Thresholds, fix);
            attempts.Add(new RepairAttempt(fix, change, RunSummary.Of(from), RunSummary.Of(result), kept));
            if (!kept) continue;
            if (ReferenceEquals(from, alternativesFrom))
                attempts[keptIndex] = attempts[keptIndex] with { Kept = false, ReplacedBy = fix };
            else if (foundBy is not null && IsStructural(fix) && result.Diagnosis.ProblemCodes.Count > 0)
            {
                alternativesFrom = best;
                alternatives = new Queue<string>(foundBy.Fixes.Select(f => f.Code).SkipWhile(c => c != fix).Skip(1).Where(IsStructural));
            }
            keptIndex = attempts.Count - 1;
            best = result;
            // "Tried" is relative to the run being repaired: on the changed model a fix that did not help before
            // may help now (normalized inputs after sigmoid -> relu), and a kept step such as lr/10 may be taken again.
            // More epochs are the exception: the budget is the user's, so its doublings count over the whole search (at most 4x).
            int doublings = tried.GetValueOrDefault(FixCodes.TrainLonger);
            tried.Clear();
            if (doublings > 0) tried[FixCodes.TrainLonger] = doublings;
        }
        return new RepairReport(original, attempts, best);
    }

    /// <summary>A fix that changes what is trained rather than how far or how fast: not a learning-rate step (which searches
    /// by decades of its own) nor more epochs (the user's budget).</summary>
    private static bool IsStructural(string fix) => Repairs.OppositeOf(fix) is null && fix != FixCodes.TrainLonger;

    /// <summary>The next alternative that applies to the run the kept fix changed; those that do not apply are dropped.</summary>
    private static (string fix, Experiment changed, string change, Finding? finding)? NextAlternative(Queue<string> alternatives,
        ExperimentResult from)
    {
        while (alternatives.TryDequeue(out var fix))
            if (Repairs.Apply(fix, from, 0) is { } applied) return (fix, applied.experiment, applied.change, null);
        return null;
    }

    /// <summary>Whether the run of a fix replaces the best run so far: it scores better, or as well with no error or warning
    /// left. A run whose training loss ended above where it started (by <see cref="DoctorThresholds.DivergedLossGrowth"/>)
    /// diverged, and is kept only over a run that diverged too: a validation accuracy that rose by chance while the
    /// training loss grew is no repair. For the same reason a learning-rate step whose accuracy rose by no more than its
    /// sampling error (<see cref="WithinSamplingError"/>) is judged by what the rate governs, the training loss, and is
    /// not kept when that ended higher.</summary>
    internal static bool Keeps(ExperimentResult candidate, ExperimentResult best, DoctorThresholds thresholds, string? fix = null)
    {
        if (Diverged(candidate, thresholds) && !Diverged(best, thresholds)) return false;
        if (fix is FixCodes.RaiseLearningRate or FixCodes.LowerLearningRate && WithinSamplingError(candidate, best)
            && candidate.ComparableLoss(validation: false) > best.ComparableLoss(validation: false)) return false;
        return candidate.Score > best.Score || (candidate.Diagnosis.ProblemCodes.Count == 0 && candidate.Score >= best.Score);
    }

    /// <summary>Whether two runs scored by accuracy differ by no more than one standard error of an accuracy measured on
    /// the rows the score counts, sqrt(p(1 - p) / n) at the best run's accuracy p: 1.5 points at 34% over 1,000 rows.</summary>
    internal static bool WithinSamplingError(ExperimentResult candidate, ExperimentResult best)
    {
        if (!candidate.ScoredByAccuracy || !best.ScoredByAccuracy || best.ScoredRows <= 0) return false;
        double p = best.Score;
        return Math.Abs(candidate.Score - best.Score) <= Math.Sqrt(p * (1 - p) / best.ScoredRows);
    }

    /// <summary>Whether the run diverged (<see cref="LossCurve.Diverged"/>), judged on the loss of the weights it returns.</summary>
    internal static bool Diverged(ExperimentResult run, DoctorThresholds thresholds) =>
        LossCurve.Diverged(run.Diagnosis.InitialLoss, run.Loss, thresholds);

    /// <summary>Whether <paramref name="fix"/> moves a setting back against the last kept step. Once another fix has been
    /// kept since (another optimizer, another layer), the kept step no longer says which way the setting should go.</summary>
    internal static bool UndoesAKeptStep(string fix, IReadOnlyList<RepairAttempt> attempts) =>
        Repairs.OppositeOf(fix) is { } opposite && attempts.LastOrDefault(a => a.Kept)?.Fix == opposite;

    /// <summary>Whether the last try of the learning-rate step <paramref name="fix"/> on the run being repaired ended with a
    /// training loss above the loss it started from (beyond <see cref="StalledLossNoise"/>), or not at all.</summary>
    internal static bool WentPastTheBestRate(string fix, IReadOnlyList<RepairAttempt> attempts) =>
        Repairs.OppositeOf(fix) is not null && attempts.LastOrDefault(a => a.Fix == fix) is { Kept: false } last
        && !(last.After.Loss <= last.Before.Loss * (1 + StalledLossNoise));

    /// <summary>How much a stalled run's final loss moves when only the rate changes a little: rises within it are not taken
    /// as the rate having gone past its best.</summary>
    private const double StalledLossNoise = 0.01;

    /// <summary>The library's documented refusals of a configuration or its data (docs/reliability.md).</summary>
    private static bool IsRefusal(Exception e) =>
        e is ArgumentException or NotSupportedException or InvalidOperationException or Nabla.Data.DataFormatException;

    /// <summary>The first untried fix, of the primary cause first, then of the other errors and warnings (causes before
    /// their consequences), that applies to this experiment.</summary>
    /// <remarks>A fix is tried once per run being repaired, except the learning-rate steps, which search by decades
    /// (x10, x100, x1000 from the same run): one decade rarely rescues Adam at 1.0 or SGD at 1e-6, and a step that
    /// does not yet make the run better would otherwise end the search there. A learning-rate step against the last kept
    /// one is not tried: the kept step's run scored better than the rate it left, so stepping back can only return to a
    /// worse run (a noisy loss at a rate found too low would otherwise undo the raise that helped). A decade whose run ended
    /// with a higher training loss than the run it changed stops the steps that way: the loss falls with the rate up to the
    /// best rate and rises past it (Smith's learning-rate range test, 2017), so the next decade lies further past it.</remarks>
    private static (string fix, Experiment changed, string change, Finding? finding)? NextFix(ExperimentResult current,
        Dictionary<string, int> tried, IReadOnlyList<RepairAttempt> attempts)
    {
        var errors = current.Diagnosis.Findings
            .Where(f => f.Severity >= Severity.Warning)
            .OrderByDescending(f => f.Code == current.Diagnosis.PrimaryCause)
            .ThenByDescending(f => f.Severity)
            .ThenBy(f => CausalGraph.Rank(f.Code));
        foreach (var finding in errors)
            foreach (var fix in finding.Fixes)
            {
                int done = tried.GetValueOrDefault(fix.Code);
                if (done >= Repairs.MaxTries(fix.Code)) continue;
                if (UndoesAKeptStep(fix.Code, attempts)) continue;
                if (done > 0 && WentPastTheBestRate(fix.Code, attempts)) { tried[fix.Code] = int.MaxValue; continue; }
                var applied = Repairs.Apply(fix.Code, current, done);
                if (applied is not null) return (fix.Code, applied.Value.experiment, applied.Value.change, finding);
                tried[fix.Code] = int.MaxValue;
            }
        return null;
    }
}
