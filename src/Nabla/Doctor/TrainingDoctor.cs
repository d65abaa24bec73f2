using Nabla.Callbacks;

namespace Nabla.Doctor;

/// <summary>
/// A callback that watches training and says why a network does or does not learn:
/// <c>model.Fit(x, y, callbacks: [doctor])</c>, then read <see cref="Diagnosis"/>.
/// Every step it checks the loss for NaN/Inf; on a few sampled steps per epoch it measures each weighted
/// layer's quantities (gradient norm, update ratio, weight statistics, saturation, dead units).
/// </summary>
public sealed partial class TrainingDoctor : Callback
{
    private readonly List<LayerSample> samples = [];
    private readonly Dictionary<string, List<double>> history = [];
    private int epochsLogged;
    private List<LayerProbe> probes = [];
    private List<WatchedLayer> watched = [];
    private long globalStep;
    private int epoch;
    private bool sampling;
    private bool started;
    private int stepsPerEpoch = 1;
    private TrainingRecord? record;
    private Diagnosis? diagnosis;

    public TrainingDoctor(DoctorOptions? options = null) => Options = options ?? new DoctorOptions();

    public DoctorOptions Options { get; }

    /// <summary>The loss's answer to the learning rate, measured before training by <see cref="LearningRateProbe.Run"/>;
    /// when set, the learning-rate findings read it. <see cref="ExperimentResult.Run"/> sets it.</summary>
    public LearningRateResponse? RateResponse { get; set; }

    /// <summary>An EarlyStopping callback of the same Fit, if there is one: when it restores its best weights at the end,
    /// the doctor judges the model as it ends, at that best epoch (overfitting reads the validation loss there).
    /// <see cref="ExperimentResult.Run"/> sets it.</summary>
    public EarlyStopping? EarlyStopping { get; set; }

    /// <summary>The training classes the last run's detectors read (for tests).</summary>
    internal ClassBalance? TrainingClasses => record?.Classes;

    /// <summary>The verdict of the last training run; during a run, or after one that threw, the findings so far
    /// with the verdict "unfinished" unless one of them is an error.</summary>
    public Diagnosis Diagnosis => diagnosis ?? Analyze(finished: !started);

    /// <summary>The doctor's measurements run batches of their own sizes through the model (probes, statistics), which a
    /// stateful layer refuses or would carry into the training's states: such a model is refused by name.</summary>
    internal static void RefuseStatefulModel(Model model)
    {
        if (model.CarriesStates)
            throw new NotSupportedException(
                $"The training doctor does not examine model '{model.Name}' yet: it holds stateful layers, and the doctor's measurements " +
                "run batches of other sizes through the model, which would change their states. Train it with Fit, or diagnose it " +
                "with stateful false.");
    }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        RefuseStatefulModel(Model);
        samples.Clear();
        history.Clear();
        epochsLogged = 0;
        globalStep = 0;
        diagnosis = null;
        started = true;
        stepsPerEpoch = Math.Max(1, Model.CurrentFit?.StepsPerEpoch ?? 1);
        // A watched run that diverges must end on its last finite weights, which the doctor reports from; the
        // guard's extra pass over the weights is part of the doctor's overhead, not of every Fit, which puts the
        // guard back as it was when the run ends, however it ends.
        if (Model.Optimizer is { } optimizer) optimizer.RefuseNonFiniteUpdates = true;
        watched = WatchedLayers.Of(Model);
        probes = watched.Select(l => new LayerProbe(l)).ToList();
        record = new TrainingRecord { Model = ModelQuantities.Of(Model, watched), ValidationClasses = ValidationClasses.Of(Model.CurrentFit),
            TrainingClasses = ClassBalance.Of(Model.CurrentFit), ValidationFreq = Model.CurrentFit?.ValidationFreq ?? 1 };
    }

    public override void OnEpochBegin(int epoch, IReadOnlyDictionary<string, double> logs) => this.epoch = epoch;

    public override void OnTrainBatchBegin(int batch, IReadOnlyDictionary<string, double> logs)
    {
        sampling = IsSampled(batch);
        if (!sampling) return;
        foreach (var probe in probes) probe.BeforeStep();
    }

    private bool IsSampled(int batch)
    {
        int every = Math.Max(1, stepsPerEpoch / Math.Max(1, Options.SamplesPerEpoch));
        return batch % every == 0;
    }

    public override void OnTrainBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        var step = Model.LastTrainStep;
        if (step?.Loss is null || record is null) return;
        double loss = step.Loss.Data[0];
        if (globalStep == 0)
        {
            record.InitialLoss = loss;
            record.Model = record.Model.WithData(Model, watched, step, step.Y!.Data, step.Y.Size / Math.Max(1, step.Y.Shape[0]));
        }
        record.AddEarlyLoss(loss, Options.Thresholds.EarlyLossSteps);
        if (epoch == 0 && step.Y is { } targets)
        {
            record.AddTargets(targets.Data);
            // A dataset's Fit gives no targets up front: its classes are counted from the batches instead.
            if (Model.CurrentFit is { Targets.Count: 0 } && Model.OutputCount == 1) record.AddClassLabels(targets);
        }
        // A step refused because its update overflowed had a finite loss; it is the same event one step earlier.
        bool firstNonFinite = (!double.IsFinite(loss) || !Model.LastTrainStepApplied) && record.FirstNonFinite is null;
        if (firstNonFinite)
        {
            record.FirstNonFinite = (epoch, globalStep, loss);
            if (Options.StopOnNanLoss) Model.StopTraining = true;
        }
        // A step with a non-finite loss is not applied and computes no gradient: the kernels still hold the last
        // applied step's gradients. The first such step is measured anyway, to show how large they had grown.
        if (sampling || firstNonFinite)
            foreach (var probe in probes)
                samples.Add(probe.Measure(step, epoch, globalStep, Options.Thresholds));
        globalStep++;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        // One value per epoch in every series: an epoch that validationFreq did not validate leaves NaN under the val_
        // keys, so that each value stays at its epoch (the quantities read the validated epochs, the plots skip gaps).
        foreach (var (key, value) in logs)
        {
            if (!history.TryGetValue(key, out var list)) history[key] = list = [.. Enumerable.Repeat(double.NaN, epochsLogged)];
            list.Add(value);
        }
        epochsLogged++;
        foreach (var list in history.Values)
            if (list.Count < epochsLogged) list.Add(double.NaN);
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        // A dataset's validation targets are read once, now that the first epoch has shown the training classes.
        if (record is { ValidationClasses: null, FirstEpochClassSet: { } seen } && Model.OutputCount == 1
            && Model.CurrentFit is { ValidationDataset: { } validation } fit)
            record.ValidationClasses = ValidationClasses.OfDataset(validation, fit.ValidationSteps, seen);
        started = false;
        diagnosis = Analyze(finished: true);
    }

    /// <summary>The best epoch of an EarlyStopping that puts that epoch's weights back when training ends (its OnTrainEnd may
    /// run after the doctor's); null otherwise.</summary>
    internal static int? RestoredEpoch(EarlyStopping? stopping) => stopping is { HoldsBestWeights: true } ? stopping.BestEpoch : null;

    private Diagnosis Analyze(bool finished)
    {
        var historyCopy = history.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value.ToList());
        if (record is null) return new Diagnosis([], [], historyCopy, finished: finished);
        record.Samples = samples;
        record.RateResponse = RateResponse;
        record.History = history;
        record.HeldEpoch = RestoredEpoch(EarlyStopping);
        if (Model?.LastTrainGraph is Autograd.Graph graph) record.FindBlockers(graph, probes);
        if (Model is { } model && record.MissingGradientCauses.Count == 0) record.FindMissingGradientCauses(model);
        var q = Pipeline.Measure(record, Options.Thresholds, trained: true);
        var (findings, primary) = Pipeline.Diagnose(q, Options.Thresholds);
        var sampled = samples.ToList();
        return new Diagnosis(findings, sampled, historyCopy, primary, finished)
        {
            GradientFlow = Model is { } trained ? Doctor.GradientFlow.Of(trained, sampled) : [],
            InitialLoss = record.InitialLoss,
        };
    }
}
