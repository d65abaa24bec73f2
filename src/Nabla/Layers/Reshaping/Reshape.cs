using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Reshape</c>: each sample takes <c>targetShape</c> (the batch axis is kept); one entry may be
/// −1, inferred from the sample's size.</summary>
public sealed class Reshape : Layer
{
    private readonly int[] targetShape;

    public Reshape(int[] targetShape, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d == 0 || d < -1))
            throw new ArgumentException(
                $"Reshape '{Name}': 'target_shape' {Tensor.ShapeString(targetShape)} must hold positive sizes and at most one -1.",
                nameof(targetShape));
        this.targetShape = (int[])targetShape.Clone();
    }

    public override string ClassName => "Reshape";

    public IReadOnlyList<int> TargetShape => targetShape;

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        try
        {
            return ReshapeOp.Resolve(inputShape, targetShape);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Layer '{Name}' (Reshape) cannot reshape samples of shape {Describe(inputShape)} " +
                $"to target_shape {Tensor.ShapeString(targetShape)}: {e.Message}", e);
        }
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Tensor.Reshape(inputs, [inputs.Shape[0], .. OutputShape!]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["target_shape"] = ConvOptions.ToList(targetShape);
        return config;
    }

    public static Reshape FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        var target = config.GetIntArray("target_shape") ?? throw new ArgumentException(
            $"Reshape '{name ?? "?"}': config is missing the required key 'target_shape'.");
        return new Reshape(target, inputShape, name) { Trainable = config.GetBool("trainable", true) };
    }
}
