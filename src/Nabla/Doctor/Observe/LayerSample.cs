namespace Nabla.Doctor;

/// <summary>
/// One layer's quantities at one sampled training step. Values that do not apply (saturation of a ReLU
/// layer, dead units of a sigmoid layer) are NaN.
/// </summary>
public sealed record LayerSample
{
    public required int Epoch { get; init; }
    public required long Step { get; init; }
    public required int LayerIndex { get; init; }
    public required string Layer { get; init; }
    public required string Activation { get; init; }

    /// <summary>‖∂loss/∂kernel‖₂; NaN when the kernel got no gradient.</summary>
    public required double KernelGradNorm { get; init; }

    public required double BiasGradNorm { get; init; }

    /// <summary>‖Δkernel‖ / ‖kernel‖ over this step's update.</summary>
    public required double UpdateRatio { get; init; }

    public required double WeightMean { get; init; }

    public required double WeightStd { get; init; }

    /// <summary>The std a variance-preserving initializer gives this kernel (He for ReLU, Glorot otherwise).</summary>
    public required double ExpectedStd { get; init; }

    /// <summary>Share of sigmoid/tanh pre-activations with |z| above the saturation threshold.</summary>
    public required double SaturatedFraction { get; init; }

    /// <summary>Share of ReLU units that output 0 for every sample of the batch.</summary>
    public required double DeadFraction { get; init; }

    /// <summary>Share of the kernel's gradient entries that are exactly 0 (AUTOTRAINER's dying-ReLU ratio).</summary>
    public double ZeroGradientFraction { get; init; } = double.NaN;

    public required double MeanAbsOutput { get; init; }

    /// <summary>Every value of the layer's activated output is finite.</summary>
    public bool OutputFinite { get; init; } = true;

    /// <summary>The kernel's gradient was null: the loss does not reach it.</summary>
    public required bool GradientMissing { get; init; }

    /// <summary>Every entry of the kernel's gradient was exactly zero.</summary>
    public required bool GradientAllZero { get; init; }

    public required bool NonFinite { get; init; }

    /// <summary>For a recurrent layer, ‖∂L/∂h_1‖ / ‖∂L/∂h_T‖ over this step (<see cref="StateGradientRatio"/>); NaN otherwise.</summary>
    public double StateGradientRatio { get; init; } = double.NaN;

    /// <summary>For a recurrent layer, ‖∂L/∂h_t‖ at a few steps from the first to the last (processing order), as
    /// "t=1: …, t=T: …"; null otherwise.</summary>
    public string? StateGradientNorms { get; init; }

    /// <summary>For a layer whose cell has gates (LSTM, GRU), each watched gate's stuck shares (<see cref="GateSaturation"/>);
    /// null for other layers.</summary>
    public IReadOnlyList<GateSample>? Gates { get; init; }

    /// <summary>False for a frozen layer: it may get a gradient, but the optimizer does not apply it.</summary>
    public bool Trainable { get; init; } = true;
}
