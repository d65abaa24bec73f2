using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Doctor;

/// <summary>
/// What one watched layer shows at one sampled step: its kernel now and before the step, the kernel's
/// gradient (empty when the loss did not reach it), and its pre-activation and activated output with the
/// unit axis last. Per-layer quantities are computed from this alone.
/// </summary>
internal readonly ref struct LayerObservation
{
    public required ReadOnlySpan<float> Kernel { get; init; }

    public required ReadOnlySpan<float> KernelBefore { get; init; }

    public required ReadOnlySpan<float> Gradient { get; init; }

    public required bool GradientMissing { get; init; }

    /// <summary>Empty when the step does not keep the pre-activation.</summary>
    public required ReadOnlySpan<float> PreActivation { get; init; }

    public required ReadOnlySpan<float> Output { get; init; }

    /// <summary>Size of the output's last axis.</summary>
    public required int Units { get; init; }

    public required int FanIn { get; init; }

    public required int FanOut { get; init; }

    public required ActivationFunction Activation { get; init; }
}
