namespace Nabla.Doctor;

/// <summary>
/// Watches one layer: remembers its kernel before a sampled step (for the update size) and turns what the
/// step shows into a <see cref="LayerSample"/> of per-layer quantities after it. Buffers are allocated once.
/// </summary>
internal sealed class LayerProbe
{
    private readonly float[] kernelBefore;
    private float[] unitScratch = [], gateScratch = [];

    public LayerProbe(WatchedLayer layer)
    {
        Layer = layer;
        kernelBefore = new float[layer.Kernel.Weight.Size];
    }

    public WatchedLayer Layer { get; }

    public void BeforeStep() => Layer.Kernel.Weight.Data.CopyTo(kernelBefore, 0);

    /// <summary>Room for one unit's rows of this step's pre-activation, grown when a larger batch comes.</summary>
    private float[] UnitScratch(in LayerObservation o)
    {
        int rows = o.Units == 0 ? 0 : o.PreActivation.Length / o.Units;
        if (unitScratch.Length < rows) unitScratch = new float[rows];
        return unitScratch;
    }

    public LayerSample Measure(CapturedStep step, int epoch, long globalStep, DoctorThresholds thresholds)
    {
        var kernel = Layer.Kernel.Weight;
        var grad = kernel.Grad;
        var activity = Layer.Activity(step);
        var (pre, post, activation) = (activity.PreActivation, activity.Output, activity.Activation);
        var o = new LayerObservation
        {
            Kernel = kernel.Data,
            KernelBefore = kernelBefore,
            Gradient = grad is null ? [] : grad.Data,
            GradientMissing = grad is null,
            PreActivation = pre is null ? [] : pre.Data,
            Output = post.Data,
            Units = post.Shape[^1],
            FanIn = Layer.FanIn,
            FanOut = Layer.FanOut,
            Activation = activation,
        };
        double gradNorm = GradientNorm.Of(o);
        var stateNorms = StateGradientNormsOf(step);
        var weights = WeightStatistics.Of(o.Kernel);
        return new LayerSample
        {
            Epoch = epoch,
            Step = globalStep,
            LayerIndex = Layer.Index,
            Layer = Layer.Name,
            Activation = activation.Name,
            KernelGradNorm = gradNorm,
            BiasGradNorm = Layer.OtherGradientNorm(),
            UpdateRatio = UpdateRatio.Of(o),
            WeightMean = weights.Mean,
            WeightStd = weights.Std,
            ExpectedStd = VariancePreservingStd.Preferred(activation, Layer.FanIn, Layer.FanOut),
            SaturatedFraction = SaturationFraction.Of(o, thresholds.SaturationPreActivation, thresholds.ConstantResponseShare, UnitScratch(o)),
            DeadFraction = DeadUnitFraction.Of(o),
            ZeroGradientFraction = ZeroGradientFraction.Of(o),
            MeanAbsOutput = MeanAbsolute.Of(o.Output),
            OutputFinite = System.Numerics.Tensors.TensorPrimitives.IsFiniteAll(o.Output),
            GradientMissing = o.GradientMissing,
            GradientAllZero = !o.GradientMissing && gradNorm == 0,
            NonFinite = !weights.Finite || (!o.GradientMissing && !double.IsFinite(gradNorm)),
            Trainable = Layer.Layer.Trainable,
            StateGradientRatio = StateGradientRatio.Of(stateNorms),
            StateGradientNorms = stateNorms is null ? null : StateGradientRatio.Sampled(stateNorms),
            Gates = GatesOf(step, thresholds),
        };
    }

    /// <summary>Each watched gate's stuck shares in this step; null for a layer without gates.</summary>
    private List<GateSample>? GatesOf(CapturedStep step, DoctorThresholds thresholds)
    {
        if (step.Activities[Layer.Index].Gates is not { Count: > 0 } gates) return null;
        var result = new List<GateSample>(gates.Count);
        foreach (var gate in gates)
        {
            if (gateScratch.Length < 2 * gate.Units) gateScratch = new float[2 * gate.Units];
            result.Add(GateSaturation.Of(gate, thresholds.SaturationPreActivation, gateScratch));
        }
        return result;
    }

    /// <summary>The recurrent layer's ‖∂L/∂h_t‖ of this step; null for other layers. A captured step records them from
    /// its first measured backward pass on (the first measurement of each captured step turns recording on).</summary>
    private float[]? StateGradientNormsOf(CapturedStep step)
    {
        if (step.Activities[Layer.Index].StateGradients is not { } op) return null;
        if (op.RecordStateGradientNorms) return op.StateGradientNorms;
        op.RecordStateGradientNorms = true;
        return null;
    }
}
