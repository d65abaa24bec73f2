using System.Numerics.Tensors;
using Nabla.Autograd;
using Nabla.Configuration;
using Nabla.Tensors;

namespace Nabla.Layers;

/// <summary>Keras's <c>Dropout</c>: in training, zeroes each input with probability <c>rate</c> and
/// scales the rest by 1/(1 − rate); in inference it is the identity. A <c>noise_shape</c> (one entry per input axis,
/// batch first; null for the input's size, 1 to share a decision along that axis) drops values together.</summary>
public sealed class Dropout : TrainingNoiseLayer
{
    public Dropout(double rate, int? seed = null, int[]? inputShape = null, string? name = null, int?[]? noiseShape = null)
        : base(seed, inputShape, name)
    {
        Rate = CheckRate(rate, "Dropout");
        NoiseShape = noiseShape;
    }

    public override string ClassName => "Dropout";

    public double Rate { get; }

    /// <summary>Keras's <c>noise_shape</c>, or null for one decision per value.</summary>
    public int?[]? NoiseShape { get; }

    protected override bool AddsNoNoise => Rate == 0;

    private protected override Op CreateNoiseOp(Tensor inputs, RandomGenerator? generator) =>
        new DropoutOp(inputs, (float)Rate, generator, NoiseShape is null ? null : MaskShape(inputs.Shape));

    /// <summary>The noise shape with its nulls filled from <paramref name="shape"/>; throws unless each entry is 1 or the input's size.</summary>
    private int[] MaskShape(int[] shape)
    {
        var noise = NoiseShape!;
        var resolved = new int[shape.Length];
        bool fits = noise.Length == shape.Length;
        for (int axis = 0; fits && axis < shape.Length; axis++)
        {
            resolved[axis] = noise[axis] ?? shape[axis];
            fits = resolved[axis] == 1 || resolved[axis] == shape[axis];
        }
        if (!fits)
            throw new ArgumentException(
                $"Dropout '{Name}': noise_shape [{string.Join(", ", noise.Select(d => d?.ToString() ?? "None"))}] does not fit inputs of shape " +
                $"{Tensor.ShapeString(shape)}; it needs one entry per axis, each None, 1 or the input's size.");
        return resolved;
    }

    /// <summary>Throws unless <paramref name="rate"/> lies in [0, 1).</summary>
    internal static double CheckRate(double rate, string layer) =>
        rate >= 0 && rate < 1 ? rate : throw new ArgumentException($"{layer} 'rate' must be in [0, 1), found {rate}.", nameof(rate));

    protected override void WriteSettings(Config config) => config["rate"] = Rate;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["noise_shape"] = NoiseShape is null ? null : new List<object?>(NoiseShape.Select(d => d is int n ? (object?)(long)n : null));
        return config;
    }

    public static Dropout FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        int?[]? noiseShape = config.GetIntArray("noise_shape")?.Select(d => d < 0 ? (int?)null : d).ToArray();
        return new Dropout(config.GetDouble("rate"), ReadSeed(config), inputShape, name, noiseShape);
    }
}

/// <summary>Draws a fresh mask on every forward pass (so a replayed graph drops different units each step). A mask
/// shape with axes of 1 (Keras's noise_shape) shares one decision along those axes, as spatial dropout drops whole
/// channels.</summary>
internal sealed class DropoutOp : Op
{
    private readonly float rate;
    private readonly RandomGenerator? generator;
    private readonly float[] mask;
    private readonly BroadcastPlan? broadcast;
    private readonly float[]? scaledGradient;

    public DropoutOp(Tensor x, float rate, RandomGenerator? generator, int[]? maskShape = null) : base([x], x.Shape)
    {
        this.rate = rate;
        this.generator = generator;
        if (maskShape is not null && !Shapes.Same(maskShape, x.Shape))
        {
            broadcast = new BroadcastPlan(x.Shape, maskShape, "dropout");
            scaledGradient = new float[x.Size];
        }
        mask = new float[maskShape is null ? x.Size : (int)Shapes.ElementCount(maskShape)];
    }

    public override string Name => "dropout";

    public override void Forward()
    {
        var rng = generator ?? Utils.Random;
        rng.FillDropoutMask(mask, rate, 1f / (1f - rate));
        if (broadcast is null) TensorPrimitives.Multiply(Inputs[0].Data, mask, Output.Data);
        else broadcast.Apply<MultiplyKernel>(Inputs[0].Data, Operand.A, mask, Operand.B, Output.Data);
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        var dy = Output.Grad!.Data;
        var dx = Inputs[0].Grad!.Data;
        if (broadcast is null)
        {
            TensorPrimitives.MultiplyAdd(dy, mask, dx, dx);
            return;
        }
        broadcast.Apply<MultiplyKernel>(dy, Operand.A, mask, Operand.B, scaledGradient);
        TensorPrimitives.Add(dx, scaledGradient, dx);
    }
}
