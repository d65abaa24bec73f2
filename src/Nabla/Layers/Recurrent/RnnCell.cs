namespace Nabla.Layers;

/// <summary>
/// A user's recurrent cell, as Keras's custom cells (a layer with <c>state_size</c>, <c>output_size</c> and
/// <c>call(inputs, states)</c>): one step of a recurrence, written with <see cref="Tensor"/> operations so that
/// <see cref="RNN"/> can run it over a sequence and backpropagate through time. It builds its weights from one step's
/// input shape, [features], and owns them as any layer (<see cref="Layer.AddKernel"/>, <see cref="Layer.AddWeight"/>).
/// </summary>
public abstract class RnnCell : Layer
{
    protected RnnCell(string? name = null) : base(name, null) { }

    /// <summary>Keras's <c>state_size</c>: the size of each state the cell carries from step to step (one for a plain
    /// recurrence, two for an LSTM-like cell's h and c).</summary>
    public abstract IReadOnlyList<int> StateSize { get; }

    /// <summary>Keras's <c>output_size</c>: the width of a step's output; the first state's size by default.</summary>
    public virtual int OutputSize => StateSize[0];

    /// <summary>One step: <paramref name="inputs"/> [batch, features] and the states (each [batch, size]) to the step's
    /// output [batch, <see cref="OutputSize"/>] and the new states, in <see cref="StateSize"/>'s order.</summary>
    public abstract (Tensor Output, IReadOnlyList<Tensor> States) Step(Tensor inputs, IReadOnlyList<Tensor> states, bool training);

    /// <summary>The states a sequence starts from when the call gives none: zeros, as Keras's <c>get_initial_state</c>.</summary>
    public virtual IReadOnlyList<Tensor> InitialStates(int batch) => [.. StateSize.Select(size => Tensor.Zeros(batch, size))];

    public override int[] ComputeOutputShape(int[] inputShape) => [OutputSize];

    /// <summary>A cell runs one step with its states; over a sequence it runs inside <see cref="RNN"/>.</summary>
    public sealed override Tensor Call(Tensor inputs, bool training) =>
        throw new InvalidOperationException(
            $"Layer '{Name}' ({ClassName}) is a recurrent cell: call Step(inputs, states, training) for one step, or wrap it in RNN.");
}
