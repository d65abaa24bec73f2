using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Layers;

/// <summary>A kernel of a layer with Keras's fans, as initializers and the doctor see it.</summary>
public sealed record LayerKernel(Tensor Weight, int FanIn, int FanOut);

/// <summary>
/// One call of a layer as the doctor observes it: its output and, when the layer applies an activation, the
/// pre-activation (same shape as the output) and the function. Units (a dense unit, a convolution filter, a
/// recurrent unit) are indexed by the last axis; every other axis holds samples or positions.
/// </summary>
public readonly record struct LayerActivity(Layer Layer, Tensor Output, Tensor? PreActivation, ActivationFunction? Activation)
{
    /// <summary>For a layer with a state through time (a recurrent layer), the op of this call that records the state's
    /// gradient norm per step; null for other layers.</summary>
    public Autograd.IStateGradientOp? StateGradients { get; init; }

    /// <summary>For a layer whose cell has gates (LSTM, GRU), the gates it lets the doctor watch; null for other layers.</summary>
    public IReadOnlyList<ObservedGate>? Gates { get; init; }

    /// <summary>The axis that indexes units: always the last.</summary>
    public int UnitAxis => Output.Rank - 1;
}

/// <summary>
/// One gate of a gated recurrent layer's call, as the doctor observes it: its name ("forget") and where the latest forward
/// pass left its values, block <see cref="Column"/> of each row of the op's gate values (a row is one step of one sample).
/// </summary>
public readonly record struct ObservedGate(string Name, Autograd.IGatedOp Op, int Column)
{
    public int Units => Op.GateUnits;

    /// <summary>Steps × samples of the latest forward pass.</summary>
    public int Rows => Op.GateValues.Length / (Op.GateColumns * Op.GateUnits);

    /// <summary>The gate's value for each unit at row <paramref name="row"/>.</summary>
    public ReadOnlySpan<float> Row(int row) => Op.GateValues.Slice((row * Op.GateColumns + Column) * Op.GateUnits, Op.GateUnits);
}
