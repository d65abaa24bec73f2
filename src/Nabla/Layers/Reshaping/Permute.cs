using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Permute</c>: reorders the axes of each sample; <c>dims</c> lists them counted from 1 (the batch
/// axis is 0 and stays first), so (2, 1) swaps the two axes of [batch, steps, features].</summary>
public sealed class Permute : Layer
{
    private readonly int[] dims;

    public Permute(int[] dims, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (!dims.Order().SequenceEqual(Enumerable.Range(1, dims.Length)))
            throw new ArgumentException(
                $"Permute '{Name}': 'dims' {Tensor.ShapeString(dims)} must be a permutation of 1..{dims.Length} (the batch axis is not listed).",
                nameof(dims));
        this.dims = (int[])dims.Clone();
    }

    public override string ClassName => "Permute";

    public IReadOnlyList<int> Dims => dims;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != dims.Length)
            throw new ArgumentException(
                $"Layer '{Name}' (Permute) has dims {Tensor.ShapeString(dims)} for samples of rank {dims.Length}, found per-sample shape {Describe(inputShape)}.");
        return dims.Select(d => inputShape[d - 1]).ToArray();
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Tensor.Transpose(inputs, [0, .. dims]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["dims"] = ConvOptions.ToList(dims);
        return config;
    }

    public static Permute FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var dims = config.GetIntArray("dims") ?? throw new ArgumentException($"Permute '{name ?? "?"}': config is missing the required key 'dims'.");
        return new Permute(dims, inputShape, name);
    }
}
