using System.Numerics.Tensors;
using Nabla.Layers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Doctor;

/// <summary>
/// The doctor's view of one layer with a kernel, read from the layer contract: the kernel with its fans, the
/// layer's other trainable weights (biases), and, for one captured step, its observation points.
/// Nothing here asks for a concrete layer type.
/// </summary>
internal sealed record WatchedLayer
{
    public required Layer Layer { get; init; }

    /// <summary>Position of the layer in the model; its observation points sit at the same index of a step's activities.</summary>
    public required int Index { get; init; }

    public required LayerKernel Kernel { get; init; }

    /// <summary>Trainable weights that are not kernels (biases, scales).</summary>
    public required IReadOnlyList<Tensor> OtherWeights { get; init; }

    public string Name => Layer.Name;

    public int FanIn => Kernel.FanIn;

    public int FanOut => Kernel.FanOut;

    /// <summary>‖gradient‖ over the other weights; NaN when none got one.</summary>
    public double OtherGradientNorm()
    {
        double sum = 0;
        bool any = false;
        foreach (var w in OtherWeights)
            if (w.Grad is Tensor g) { sum += TensorPrimitives.SumOfSquares(g.Data.AsSpan()); any = true; }
        return any ? Math.Sqrt(sum) : double.NaN;
    }

    /// <summary>
    /// The layer's activity in <paramref name="step"/>: its own, or, when it applies no activation (linear), that of a
    /// kernel-less layer right after it that does (an Activation layer), since that is the nonlinearity its units feed.
    /// </summary>
    public ActivatedOutput Activity(CapturedStep step)
    {
        var own = step.Activities[Index];
        if (own.Activation is null or { Name: "linear" } && Index + 1 < step.Activities.Count)
        {
            var next = step.Activities[Index + 1];
            if (next.Layer.Kernels.Count == 0 && next.Activation is { Name: not "linear" } && ReferenceEquals(next.PreActivation, own.Output))
                return new(next.PreActivation, next.Output, next.Activation);
        }
        return new(own.PreActivation, own.Output, own.Activation ?? ActivationFunction.Get("linear"));
    }
}

/// <summary>What a watched layer's units produced in one step: pre-activation (when kept), activated output, function.</summary>
internal readonly record struct ActivatedOutput(Tensor? PreActivation, Tensor Output, ActivationFunction Activation)
{
    public int Units => Output.Shape[^1];
}
