using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Lambda</c>: wraps any tensor expression as a layer without weights, as
/// <c>new Lambda(x => Tensor.Round(x))</c>. Its gradient is the expression's own (an op without a gradient, such as
/// round or argmax, cuts it, which the doctor reports). Like a Python lambda it is code, not configuration: a model
/// that holds one cannot be saved whole (its weights can).
/// </summary>
public sealed class Lambda : Layer
{
    private readonly Func<Tensor, Tensor> function;
    private readonly int[]? declaredOutputShape;

    /// <param name="function">Maps a batch (axis 0 is the batch) to a batch with the same number of samples.</param>
    /// <param name="outputShape">The per-sample output shape; when null, found by running the function on one zero sample.</param>
    public Lambda(Func<Tensor, Tensor> function, int[]? outputShape = null, int[]? inputShape = null, string? name = null)
        : base(name, inputShape)
    {
        this.function = function ?? throw new ArgumentNullException(nameof(function));
        declaredOutputShape = outputShape is null ? null : (int[])outputShape.Clone();
    }

    public override string ClassName => "Lambda";

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (declaredOutputShape is not null) return (int[])declaredOutputShape.Clone();
        using var _ = GradMode.NoGrad();
        var probe = function(new Tensor([1, .. inputShape]));
        if (probe.Rank < 1 || probe.Shape[0] != 1)
            throw new ArgumentException(
                $"Layer '{Name}' (Lambda) must keep the batch axis: one sample of shape {Describe(inputShape)} gave {Tensor.ShapeString(probe.Shape)}.");
        return probe.Shape[1..];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var output = function(inputs);
        if (output.Rank != OutputShape!.Length + 1 || output.Shape[0] != inputs.Shape[0] || !output.Shape.AsSpan(1).SequenceEqual(OutputShape))
            throw new ArgumentException(
                $"Layer '{Name}' (Lambda) declared outputs {Describe(OutputShape)} but its function returned {Tensor.ShapeString(output.Shape)} " +
                $"for a batch of {inputs.Shape[0]}.");
        return output;
    }

    /// <summary>A C# function has no Keras config: as Keras refuses to serialize a Python lambda safely, this refuses to write one.</summary>
    public override Config GetConfig() =>
        throw new NotSupportedException(
            $"Layer '{Name}' (Lambda) wraps C# code, which cannot be written to a Keras config: save the model's weights with " +
            "SaveWeights and rebuild it in code, or replace the Lambda by layers (or a custom layer registered with Layer.Register).");
}
