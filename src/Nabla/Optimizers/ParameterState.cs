using Nabla.Kernels;

namespace Nabla.Optimizers;

/// <summary>
/// One parameter's optimizer state: the parameter's shape, each state array at its own shape (the parameter's for
/// an element-wise state; Adafactor's factored r and c are smaller), the guard's copies of them, and what a rule that
/// is not element-wise keeps beside them. Kept together so an update finds all of it in the one lookup by parameter.
/// </summary>
internal sealed class ParameterState
{
    private readonly float[][] arrays;
    private readonly int[][] shapes;
    // A range of the parameter is the same range of an element-wise state; the others are backed up whole.
    private readonly bool[] elementWise;
    // The weights, then each state array, as they were before the step in flight.
    private readonly float[][] backup;

    public ParameterState(int[] parameterShape, int[][] stateShapes)
    {
        Shape = parameterShape;
        shapes = stateShapes;
        arrays = new float[stateShapes.Length][];
        elementWise = new bool[stateShapes.Length];
        backup = new float[stateShapes.Length + 1][];
        backup[0] = new float[Tensor.ElementCount(parameterShape)];
        for (int s = 0; s < arrays.Length; s++)
        {
            arrays[s] = new float[Tensor.ElementCount(stateShapes[s])];
            elementWise[s] = Tensor.SameShape(stateShapes[s], parameterShape);
            backup[s + 1] = new float[arrays[s].Length];
        }
    }

    /// <summary>The parameter's shape.</summary>
    public int[] Shape { get; }

    /// <summary>State array <paramref name="index"/>, in the optimizer's <c>StateNames</c> order.</summary>
    public float[] this[int index] => arrays[index];

    public int Count => arrays.Length;

    /// <summary>The shape of state array <paramref name="index"/>.</summary>
    public int[] ShapeOf(int index) => shapes[index];

    /// <summary>What the optimizer's rule keeps for this parameter beside its state arrays (Adafactor: the weight
    /// seen as rows and columns, and its scratch); null for an element-wise rule.</summary>
    public object? Scratch { get; init; }

    /// <summary>Copies aside, whole, the states that are not element-wise: a rule writes them whole, in whichever call
    /// completes the parameter, so no range of the step can copy them before the rule overwrites them.</summary>
    public void BackUpWholeStates()
    {
        for (int s = 0; s < arrays.Length; s++)
            if (!elementWise[s]) arrays[s].CopyTo(backup[s + 1], 0);
    }

    /// <summary>Copies aside elements [<paramref name="from"/>, +<paramref name="length"/>) of the weights and of each
    /// element-wise state, before the rule overwrites them.</summary>
    public void BackUpRange(float[] weights, int from, int length)
    {
        weights.AsSpan(from, length).CopyTo(backup[0].AsSpan(from, length));
        for (int s = 0; s < arrays.Length; s++)
            if (elementWise[s]) arrays[s].AsSpan(from, length).CopyTo(backup[s + 1].AsSpan(from, length));
    }

    /// <summary>Whether the range's weights and element-wise states are all finite after the rule ran.</summary>
    public bool RangeIsFinite(float[] weights, int from, int length)
    {
        bool finite = FiniteCopy.AllFinite(weights.AsSpan(from, length));
        for (int s = 0; s < arrays.Length; s++)
            if (elementWise[s]) finite &= FiniteCopy.AllFinite(arrays[s].AsSpan(from, length));
        return finite;
    }

    /// <summary>Puts back the weights and every state array as they were before the step.</summary>
    public void RollBack(float[] weights)
    {
        backup[0].CopyTo(weights, 0);
        for (int s = 0; s < arrays.Length; s++) backup[s + 1].CopyTo(arrays[s], 0);
    }
}
