using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>A recurrent layer's calls with several tensors: the initial states it may read after the sequence, the final
/// states it returns after the output, their shapes and masks, and the functional API's forms of those calls.</summary>
public abstract partial class RecurrentLayer
{
    /// <summary>The op's packed output [batch, rows, units] cut into the output and the states, in Keras's order.</summary>
    private Tensor[] Unpack(Tensor packed)
    {
        int batch = packed.Shape[0], rows = packed.Shape[1] - StateCount;
        var result = new Tensor[1 + StateCount];
        result[0] = ReturnSequences
            ? Tensor.Slice(packed, [0, 0, 0], [batch, rows, Units])
            : Tensor.Reshape(Tensor.Slice(packed, [0, 0, 0], [batch, 1, Units]), [batch, Units]);
        for (int k = 0; k < StateCount; k++)
            result[1 + k] = Tensor.Reshape(Tensor.Slice(packed, [0, rows + k, 0], [batch, 1, Units]), [batch, Units]);
        return result;
    }

    private void CheckInitialState(IReadOnlyList<Tensor> initialState, int batch)
    {
        if (initialState.Count == 0) return;
        if (initialState.Count != StateCount)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) carries {StateCount} state{(StateCount == 1 ? "" : "s")} " +
                $"({(StateCount == 1 ? "h" : "h and c")}); its initial_state has {initialState.Count} tensors.");
        for (int k = 0; k < initialState.Count; k++)
            if (initialState[k] is not { Rank: 2 } state || state.Shape[0] != batch || state.Shape[1] != Units)
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}): initial_state[{k}] must be [batch, units] = [{batch}, {Units}]; found " +
                    $"{(initialState[k] is null ? "null" : Tensor.ShapeString(initialState[k].Shape))}.");
    }

    /// <summary>A call's inputs are the sequence and, optionally, its initial states; it makes the output and, with
    /// <see cref="RnnLayer.ReturnState"/>, the states.</summary>
    protected internal override IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Config? options = null)
    {
        if (inputShapes.Count != 1 && inputShapes.Count != 1 + StateCount)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) reads a sequence and, optionally, its {StateCount} initial state" +
                $"{(StateCount == 1 ? "" : "s")}; {inputShapes.Count} inputs were given.");
        for (int k = 1; k < inputShapes.Count; k++)
            if (inputShapes[k].Length != 1 || inputShapes[k][0] != Units)
                throw new ArgumentException(
                    $"Layer '{Name}' ({ClassName}): initial_state[{k - 1}] must have shape (None, {Units}); found {Describe(inputShapes[k])}.");
        Build(inputShapes[0]);
        var stateShape = new[] { Units };
        return [ComputeOutputShape(inputShapes[0]), .. Enumerable.Repeat(stateShape, ReturnState ? StateCount : 0)];
    }
}
