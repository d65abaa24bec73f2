using System.Numerics.Tensors;
using Nabla.Autograd.Ops;
using Nabla.Layers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Doctor;

/// <summary>
/// Watches one Dense layer: remembers its kernel before a sampled step (for the update size) and turns
/// the captured graph's tensors into a <see cref="LayerSample"/> after it. Buffers are allocated once.
/// </summary>
internal sealed class LayerProbe
{
    private readonly float[] kernelBefore;

    public LayerProbe(Dense layer, int layerIndex, ActivationFunction activation, int activationLayerIndex)
    {
        Layer = layer;
        LayerIndex = layerIndex;
        Activation = activation;
        ActivationLayerIndex = activationLayerIndex;
        kernelBefore = new float[layer.Kernel.Size];
    }

    public Dense Layer { get; }

    public int LayerIndex { get; }

    /// <summary>The nonlinearity applied to this layer's output: its own, or that of an Activation layer right after it.</summary>
    public ActivationFunction Activation { get; }

    /// <summary>The layer whose output is the activated output (this one, or the Activation layer after it).</summary>
    public int ActivationLayerIndex { get; }

    public bool IsSaturating => Activation.IsSaturating;

    public bool CanDie => Activation.Name is "relu" or "relu6";

    public void BeforeStep() => Layer.Kernel.Data.CopyTo(kernelBefore, 0);

    public LayerSample Measure(CapturedStep step, int epoch, long globalStep, double saturationThreshold)
    {
        var kernel = Layer.Kernel;
        var grad = kernel.Grad;
        var w = kernel.Data.AsSpan();
        bool missing = grad is null;
        double gradNorm = missing ? double.NaN : TensorPrimitives.Norm(grad!.Data.AsSpan());
        double biasNorm = Layer.Bias?.Grad is Tensor bg ? TensorPrimitives.Norm(bg.Data.AsSpan()) : double.NaN;
        // Four passes over the kernel in all: Σw², Σw, ‖w − w_before‖ and the gradient's norm.
        double sumOfSquares = TensorPrimitives.SumOfSquares(w);
        double weightNorm = Math.Sqrt(sumOfSquares);
        double deltaNorm = TensorPrimitives.Distance(w, kernelBefore.AsSpan());
        double mean = TensorPrimitives.Sum(w) / (double)w.Length;
        double variance = sumOfSquares / w.Length - mean * mean;
        int fanIn = kernel.Shape[0], fanOut = kernel.Shape[1];

        var (pre, post) = ActivationTensors(step);
        return new LayerSample
        {
            Epoch = epoch,
            Step = globalStep,
            LayerIndex = LayerIndex,
            Layer = Layer.Name,
            Activation = Activation.Name,
            KernelGradNorm = gradNorm,
            BiasGradNorm = biasNorm,
            UpdateRatio = weightNorm > 0 ? deltaNorm / weightNorm : double.NaN,
            WeightMean = mean,
            WeightStd = Math.Sqrt(Math.Max(0, variance)),
            ExpectedStd = Activation.IsReluFamily ? Math.Sqrt(2.0 / fanIn) : Math.Sqrt(2.0 / (fanIn + fanOut)),
            SaturatedFraction = IsSaturating && pre is not null ? SaturatedShare(pre.Data, saturationThreshold) : double.NaN,
            DeadFraction = CanDie ? DeadUnitShare(post.Data, post.Shape[^1]) : double.NaN,
            MeanAbsOutput = TensorPrimitives.SumOfMagnitudes(post.Data.AsSpan()) / Math.Max(1, post.Size),
            GradientMissing = missing,
            GradientAllZero = !missing && gradNorm == 0,
            NonFinite = !double.IsFinite(weightNorm) || (!missing && !double.IsFinite(gradNorm)),
            Trainable = Layer.Trainable,
        };
    }

    /// <summary>The pre-activation z and activated output of this layer inside the captured graph.</summary>
    private (Tensor? pre, Tensor post) ActivationTensors(CapturedStep step)
    {
        var denseOut = step.LayerOutputs[LayerIndex];
        var post = step.LayerOutputs[ActivationLayerIndex];
        if (ActivationLayerIndex != LayerIndex) return (denseOut, post);
        return (denseOut.Creator is DenseOp op ? op.PreActivation : null, post);
    }

    private static double SaturatedShare(ReadOnlySpan<float> z, double threshold)
    {
        int count = 0;
        float t = (float)threshold;
        foreach (float v in z) if (MathF.Abs(v) > t) count++;
        return (double)count / Math.Max(1, z.Length);
    }

    private static double DeadUnitShare(ReadOnlySpan<float> outputs, int units)
    {
        int rows = outputs.Length / units, dead = 0;
        for (int u = 0; u < units; u++)
        {
            bool alive = false;
            for (int r = 0; r < rows && !alive; r++) alive = outputs[r * units + u] > 0;
            if (!alive) dead++;
        }
        return (double)dead / units;
    }
}
