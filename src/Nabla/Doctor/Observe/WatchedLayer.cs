using Nabla.Layers;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Doctor;

/// <summary>
/// The doctor's view of one weighted layer: its kernel with fan-in and fan-out, where its pre-activation
/// and activated outputs sit in a captured step (units on the last axis), and the activation applied.
/// Every quantity and detector reads layers through this, never through a concrete layer type.
/// </summary>
internal sealed record WatchedLayer
{
    public required Layer Layer { get; init; }

    /// <summary>Position of the layer in the model.</summary>
    public required int Index { get; init; }

    public required Tensor Kernel { get; init; }

    public Tensor? Bias { get; init; }

    public required int FanIn { get; init; }

    public required int FanOut { get; init; }

    /// <summary>Units on the output's last axis (Dense units, conv filters, RNN units).</summary>
    public required int Units { get; init; }

    /// <summary>The nonlinearity applied to the layer's output: its own, or that of an activation layer right after it.</summary>
    public required ActivationFunction Activation { get; init; }

    /// <summary>The layer whose output is the activated output (this one, or the activation layer after it).</summary>
    public required int ActivationLayerIndex { get; init; }

    /// <summary>The pre-activation z inside a captured step, when the step keeps it.</summary>
    public required Func<CapturedStep, Tensor?> PreActivation { get; init; }

    public string Name => Layer.Name;

    /// <summary>The activated output inside a captured step.</summary>
    public Tensor Output(CapturedStep step) => step.LayerOutputs[ActivationLayerIndex];
}
