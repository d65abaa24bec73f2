using System.Diagnostics;

namespace Nabla.Doctor;

/// <summary>The outcome of training one experiment under the doctor's watch.</summary>
public sealed record ExperimentResult
{
    public required Experiment Experiment { get; init; }

    public required Diagnosis Diagnosis { get; init; }

    /// <summary>The logs of the epoch whose weights the model ended with (loss, accuracy, val_loss, val_accuracy...): the
    /// last epoch's, or the best epoch's when an EarlyStopping callback restored that epoch's weights at the end.</summary>
    public required IReadOnlyDictionary<string, double> Final { get; init; }

    public required double Seconds { get; init; }

    public required Model Model { get; init; }

    public double Loss => Final.GetValueOrDefault("loss", double.NaN);

    /// <summary>With several outputs, the history key of each output's own loss ("out_a_loss"), for the outputs that have one.</summary>
    public IReadOnlyList<string> OutputLosses { get; init; } = [];

    private bool ClassTargets => classTargets ??= ModelQuantities.AreClassLabels(Experiment.Y.Data);

    private bool? classTargets;

    public double? Accuracy => Final.TryGetValue("accuracy", out var a) ? a : null;

    /// <summary>
    /// The number a repair is judged by: validation loss (training loss without validation data); for a
    /// classifier that reports accuracy, validation accuracy instead, because a repair may change the loss
    /// function (MSE to cross-entropy) and losses of different functions cannot be compared. Accuracy counts only
    /// when the targets are class labels (whole numbers, one-hot rows included): on continuous targets it counts exact
    /// matches and says nothing about the fit. With several outputs the loss is the sum of the outputs' own losses,
    /// unweighted: a repair may change the loss weights, and weighted totals of different weights cannot be compared.
    /// Higher is better.
    /// </summary>
    public double Score
    {
        get
        {
            if (ScoredByAccuracy) return Final[ScorePrefix + "accuracy"];
            double loss = ComparableLoss(validation: ScorePrefix.Length > 0);
            return double.IsFinite(loss) ? -loss : double.NegativeInfinity;
        }
    }

    /// <summary>Whether <see cref="Score"/> is an accuracy (else the negated loss): scores of two runs compare only when
    /// both are, or both negate the same loss function.</summary>
    public bool ScoredByAccuracy =>
        ClassTargets && Final.TryGetValue(ScorePrefix + "accuracy", out double accuracy) && double.IsFinite(accuracy);

    private string ScorePrefix => Final.ContainsKey("val_loss") ? "val_" : "";

    /// <summary>The rows <see cref="Score"/> is measured on: those Keras's validation split holds out
    /// (n - int(n * (1 - split))), or the training rows without validation.</summary>
    public int ScoredRows => ScorePrefix.Length > 0 ? Experiment.Rows - Experiment.TrainingRows : Experiment.TrainingRows;

    /// <summary>The final loss (validation or training) as runs with different loss weights can compare it: the sum of the
    /// outputs' own losses, unweighted, for a model with several outputs; the loss otherwise. NaN when not logged.</summary>
    public double ComparableLoss(bool validation)
    {
        string prefix = validation ? "val_" : "";
        if (validation && !Final.ContainsKey("val_loss")) return double.NaN;
        return OutputLosses.Count > 0 ? OutputLosses.Sum(k => Final.GetValueOrDefault(prefix + k, double.NaN))
            : Final.GetValueOrDefault(prefix + "loss", double.NaN);
    }

    /// <summary>Seeds, builds, trains (verbose off) with a <see cref="TrainingDoctor"/> attached.</summary>
    public static ExperimentResult Run(Experiment experiment, DoctorOptions? options = null)
    {
        var doctor = new TrainingDoctor(options);
        TrainingDoctor.RefuseStatefulModel(experiment.BuildModel());
        var clock = Stopwatch.StartNew();
        // Probed before the run's model is built: building reseeds, so the run is the same with or without the probe.
        if (doctor.Options.ProbeLearningRate) doctor.RateResponse = LearningRateProbe.Run(experiment);
        var model = experiment.BuildModel();
        Callbacks.Callback[] callbacks = [doctor, .. experiment.ExtraCallbacks()];
        doctor.EarlyStopping = callbacks.OfType<Callbacks.EarlyStopping>().FirstOrDefault();
        var history = experiment.SplitsData
            ? model.Fit(experiment.Inputs(experiment.X), experiment.Targets(model, experiment.Y), epochs: experiment.Epochs,
                batchSize: experiment.BatchSize, validationSplit: experiment.ValidationSplit, shuffle: experiment.Shuffle,
                callbacks: callbacks, verbose: 0, preflight: false)
            : model.Fit(experiment.X, experiment.Y, epochs: experiment.Epochs, batchSize: experiment.BatchSize,
                validationSplit: experiment.ValidationSplit, shuffle: experiment.Shuffle, callbacks: callbacks, verbose: 0, preflight: false);
        clock.Stop();
        // The score judges the model the run returns: after a restore, the best epoch's weights and so its logs.
        int? held = TrainingDoctor.RestoredEpoch(doctor.EarlyStopping);
        var final = history.Keys.ToDictionary(k => k, k => history[k].Count == 0 ? double.NaN
            : held is int epoch && epoch < history[k].Count ? history[k][epoch] : history[k][^1]);
        return new ExperimentResult
        {
            Experiment = experiment,
            Diagnosis = doctor.Diagnosis,
            Final = final,
            Seconds = clock.Elapsed.TotalSeconds,
            Model = model,
            OutputLosses = model.OutputCount > 1 ? model.OutputNames.Where((_, i) => model.Losses[i] is not null).Select(n => n + "_loss").ToList() : [],
        };
    }
}
