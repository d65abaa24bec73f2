using Nabla.Callbacks;
using Nabla.Layers;

namespace Nabla.Diagnostics;

/// <summary>
/// A callback that watches training and says why a network does or does not learn:
/// <c>model.Fit(x, y, callbacks: [doctor])</c>, then read <see cref="Diagnosis"/>.
/// Every step it checks the loss for NaN/Inf; on a few sampled steps per epoch it measures each Dense
/// layer (gradient norms, update size, weight statistics, saturation, dead units).
/// </summary>
public sealed class TrainingDoctor : Callback
{
    private readonly List<LayerSample> samples = [];
    private readonly Dictionary<string, List<double>> history = [];
    private readonly List<Finding> staticFindings = [];
    private List<LayerProbe> probes = [];
    private long globalStep;
    private int epoch;
    private bool sampling;
    private int stepsPerEpoch = 1;
    private TrainingRecord record = new();
    private Diagnosis? diagnosis;

    public TrainingDoctor(DoctorOptions? options = null) => Options = options ?? new DoctorOptions();

    public DoctorOptions Options { get; }

    /// <summary>The verdict of the last training run (or of the one running, so far).</summary>
    public Diagnosis Diagnosis => diagnosis ?? Analyze();

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        samples.Clear();
        history.Clear();
        staticFindings.Clear();
        globalStep = 0;
        diagnosis = null;
        record = new TrainingRecord { LearningRate = Model.Optimizer?.LearningRate ?? double.NaN };
        stepsPerEpoch = Math.Max(1, Model.CurrentFit?.StepsPerEpoch ?? 1);
        probes = CreateProbes(Model);
        staticFindings.AddRange(StaticChecks.Structure(Model, Options.Thresholds));
    }

    internal static List<LayerProbe> CreateProbes(Model model)
    {
        var list = new List<LayerProbe>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            if (model.Layers[i] is not Dense dense || !dense.IsBuilt) continue;
            var activation = StaticChecks.OutputActivation(model, i);
            int activatedAt = ReferenceEquals(activation, dense.Activation) ? i : i + 1;
            list.Add(new LayerProbe(dense, i, activation, activatedAt));
        }
        return list;
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
        if (step?.Loss is null) return;
        double loss = step.Loss.Data[0];
        if (globalStep == 0)
        {
            record.InitialLoss = loss;
            staticFindings.AddRange(StaticChecks.Data(Model, StaticChecks.PreprocessedInputs(Model, step).Data, step.Y!.Data, Options.Thresholds));
        }
        record.AddEarlyLoss(loss, Options.Thresholds.EarlyLossSteps);
        bool firstNonFinite = !double.IsFinite(loss) && record.FirstNonFinite is null;
        if (firstNonFinite)
        {
            record.FirstNonFinite = (epoch, globalStep, loss);
            if (Options.StopOnNanLoss) Model.StopTraining = true;
        }
        // A step with a non-finite loss is not applied and computes no gradient: the kernels still hold the last
        // applied step's gradients. The first such step is measured anyway, to show how large they had grown.
        if (sampling || firstNonFinite)
            foreach (var probe in probes)
                samples.Add(probe.Measure(step, epoch, globalStep, Options.Thresholds.SaturationPreActivation));
        globalStep++;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        foreach (var (key, value) in logs)
        {
            if (!history.TryGetValue(key, out var list)) history[key] = list = [];
            list.Add(value);
        }
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => diagnosis = Analyze();

    private Diagnosis Analyze()
    {
        record.Samples = samples;
        record.History = history;
        record.StaticFindings = staticFindings;
        record.IsClassifier = Model is not null && ModelFacts.IsClassifier(Model);
        record.UniformGuessLoss = Model is null ? double.NaN : ModelFacts.UniformGuessLoss(Model);
        record.CrossEntropyLoss = Model?.Loss is { IsCrossEntropy: true };
        record.AdaptiveOptimizer = Model?.Optimizer is not null && ModelFacts.IsAdaptive(Model.Optimizer);
        if (Model?.LastTrainGraph is Autograd.Graph graph)
            foreach (var probe in probes)
                if (probe.Layer.Kernel.Grad is null)
                    record.Blockers[probe.Layer.Name] = graph.BlockersOf(probe.Layer.Kernel).Select(op => op.Name).Distinct().ToList();
        var findings = Analyzer.Analyze(record, Options.Thresholds);
        return new Diagnosis(findings, samples.ToList(),
            history.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)kv.Value.ToList()));
    }
}
