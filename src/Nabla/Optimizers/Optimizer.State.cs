namespace Nabla.Optimizers;

/// <summary>
/// The optimizer's state as a saved model carries it (Keras saves its optimizer variables with the model):
/// each parameter's named arrays ("momentum", "velocity"...) and <see cref="Iterations"/>. A model loaded with
/// them continues training exactly where the saved one stopped.
/// </summary>
public abstract partial class Optimizer
{
    /// <summary>The state arrays of <paramref name="parameter"/>, by name, with their shapes; none before its first update.</summary>
    internal IEnumerable<(string Name, float[] Values, int[] Shape)> SavedState(Tensor parameter)
    {
        if (!states.TryGetValue(parameter, out var state)) yield break;
        for (int i = 0; i < state.Count; i++) yield return (StateNames[i], state[i], state.ShapeOf(i));
    }

    /// <summary>The shape of state <paramref name="stateName"/> of a parameter of shape <paramref name="parameterShape"/>:
    /// the parameter's own for an element-wise state (the default); Adafactor's factored moments are smaller. Arrays
    /// are allocated, checked, saved and restored at it.</summary>
    private protected virtual int[] StateShape(int[] parameterShape, string stateName) => parameterShape;

    /// <summary>The shape state <paramref name="name"/> of <paramref name="parameter"/> has (or will have).</summary>
    internal int[] StateShapeOf(Tensor parameter, string name)
    {
        int index = IndexOfState(name);
        return states.TryGetValue(parameter, out var state) ? state.ShapeOf(index) : StateShape(parameter.Shape, name);
    }

    /// <summary>Whether this optimizer keeps a state array called <paramref name="name"/> for each parameter.</summary>
    internal bool HasStateNamed(string name) => StateNames.Contains(name);

    /// <summary>The state names this optimizer keeps, for error messages.</summary>
    internal string DescribeStateNames() => StateNames.Count == 0 ? "none" : string.Join(", ", StateNames);

    /// <summary>Sets state array <paramref name="name"/> of <paramref name="parameter"/> (validated by the caller:
    /// a known name and the state's size).</summary>
    internal void RestoreState(Tensor parameter, string name, ReadOnlySpan<float> values)
    {
        CheckState(parameter, name, values);
        values.CopyTo(StateOf(parameter)[IndexOfState(name)]);
    }

    /// <summary>Throws ArgumentException unless <paramref name="values"/> can be state <paramref name="name"/> of
    /// <paramref name="parameter"/>: a state this optimizer keeps, the size of its shape, finite values.</summary>
    internal void CheckState(Tensor parameter, string name, ReadOnlySpan<float> values)
    {
        int[] shape = StateShapeOf(parameter, name);
        long size = Tensor.ElementCount(shape);
        if (values.Length != size)
            throw new ArgumentException(
                $"{ClassName} state '{name}' of '{parameter.Name}' (shape {Tensor.ShapeString(parameter.Shape)}) has shape " +
                $"{Tensor.ShapeString(shape)}, {size} values; it cannot take {values.Length}.");
        // Moments are finite; second moments (squared gradients) and accumulators are never negative.
        bool nonNegative = IsNonNegativeState(name);
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i]) || (nonNegative && values[i] < 0))
                throw new ArgumentException(
                    $"{ClassName} state '{name}' of '{parameter.Name}' has {values[i]} at [{i}]; it must be a finite" +
                    $"{(nonNegative ? " non-negative" : "")} number.");
    }

    /// <summary>
    /// Keras's order of this optimizer's per-parameter variables, after <c>iterations</c> and <c>learning_rate</c>:
    /// each group is created for every trainable parameter in turn, the names of a group interleaved per parameter
    /// (Adam: momentum, velocity of the first kernel, then of its bias...). By default each state is its own group,
    /// as RMSprop, SGD, Adagrad and Adadelta build theirs.
    /// </summary>
    internal virtual IReadOnlyList<IReadOnlyList<string>> KerasVariableGroups => StateNames.Select(n => (IReadOnlyList<string>)[n]).ToList();

    /// <summary>State array <paramref name="name"/> of <paramref name="parameter"/>, created with its starting value
    /// when the parameter has not been updated yet (as Keras builds every slot for every trainable variable).</summary>
    internal float[] StateArray(Tensor parameter, string name) => StateOf(parameter)[IndexOfState(name)];

    /// <summary>The states that accumulate squares (Adam's and RMSprop's velocity, Adagrad's accumulator, Adadelta's
    /// accumulated gradients and steps) or magnitudes (Adamax's norm, a running max of |g|).</summary>
    private static bool IsNonNegativeState(string name) =>
        name is "velocity" or "accumulator" or "velocity_hat" or "accumulated_grad" or "accumulated_delta_var" or "norm";

    private int IndexOfState(string name)
    {
        for (int i = 0; i < StateNames.Count; i++)
            if (StateNames[i] == name) return i;
        throw new ArgumentException($"{ClassName} keeps no state called '{name}'; it keeps: {DescribeStateNames()}.");
    }
}
