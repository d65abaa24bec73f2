using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// tf.keras 2's <c>TFOpLambda</c>: a TensorFlow function applied to Keras tensors in a functional model (<c>x + y</c>,
/// <c>tf.reshape(x, ...)</c>, <c>tf.math.reduce_mean(x, axis=1)</c>), saved as a layer whose config names the function
/// and whose node holds the call's arguments: the first tensor, then, by keyword, further tensors or constants. Nabla
/// computes the functions of <see cref="TFOpFunctions"/> with its own ops, so gradients flow through them; any other
/// is refused by name. Axes count the batch axis, as in TensorFlow. Keras 3 cannot read these layers; they come from
/// tf.keras 2 H5 and SavedModel configs and TensorFlow.js files converted from them.
/// </summary>
public sealed class TFOpLambda : Layer
{
    private readonly TFOpFunction function;
    // The output shape of the call the layer was built by (tf.keras makes one layer per call).
    private int[]? callOutputShape;

    /// <param name="function">tf.keras's name of the function, without "tf.": "math.add", "__operators__.add", "reshape"...</param>
    public TFOpLambda(string function, string? name = null) : base(name ?? $"tf.{function}", null)
    {
        Function = function;
        this.function = TFOpFunctions.Get(function, Name);
    }

    /// <summary>tf.keras writes <c>x[...]</c> as a SlicingOpLambda, the same layer with its slice_spec decoded.</summary>
    public override string ClassName => Function == SlicingFunction ? "SlicingOpLambda" : "TFOpLambda";

    private const string SlicingFunction = "__operators__.getitem";

    /// <summary>The TensorFlow function, as the config's "function" names it.</summary>
    public string Function { get; }

    internal override IReadOnlyList<string> TensorArgumentNames => [function.Arguments[0], .. function.TensorArguments];

    internal override int PositionalTensorArguments => 1;

    internal override bool FirstTensorArgumentIsList => function.Arguments[0] == "values";

    /// <summary>Every argument after the first (a constant when it is not a tensor of the graph), and TensorFlow's op name,
    /// which names the op in a TensorFlow graph and leaves the math alone.</summary>
    internal override IReadOnlyList<string> CallOptionNames => [.. function.Arguments[1..], "name"];

    /// <summary>The output shape, from the function run on one zero sample of each input.</summary>
    protected internal override IReadOnlyList<int[]> BuildForCall(IReadOnlyList<int[]> inputShapes, Config? options = null)
    {
        using var _ = GradMode.NoGrad();
        var probe = function.Apply([.. inputShapes.Select(s => new Tensor([1, .. s]))], options ?? []);
        if (probe.Rank < 1 || probe.Shape[0] != 1)
            throw new ArgumentException(
                $"Layer '{Name}' (TFOpLambda tf.{Function}) must keep the batch axis: one sample of {string.Join(", ", inputShapes.Select(Describe))} " +
                $"gave {Tensor.ShapeString(probe.Shape)}.");
        callOutputShape ??= probe.Shape[1..];
        if (!IsBuilt) Build(inputShapes[0]);
        return [probe.Shape[1..]];
    }

    protected internal override int[] BuildForInputs(IReadOnlyList<int[]> inputShapes) => BuildForCall(inputShapes)[0];

    /// <summary>The output shape of the call that built the layer (the function's, which depends on the call's options).</summary>
    public override int[] ComputeOutputShape(int[] inputShape) => callOutputShape ?? inputShape;

    internal override IReadOnlyList<Tensor> CallAllWithMask(IReadOnlyList<Tensor> inputs, bool training, Config? options = null) =>
        [function.Apply(inputs, options ?? [])];

    public override Tensor Call(IReadOnlyList<Tensor> inputs, bool training) => function.Apply(inputs, []);

    public override Tensor Call(Tensor inputs, bool training) => function.Apply([inputs], []);

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["function"] = Function;
        return config;
    }

    public static TFOpLambda FromConfig(Config config)
    {
        var (name, _) = BaseArgs(config);
        return new TFOpLambda(config.GetString("function"), name);
    }
}
