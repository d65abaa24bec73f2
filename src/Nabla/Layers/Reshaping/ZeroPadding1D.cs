using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>ZeroPadding1D</c>: adds zero steps at the start and the end of [batch, steps, features]
/// sequences (default one at each end).</summary>
public sealed class ZeroPadding1D : Layer
{
    public ZeroPadding1D(Sides1D? padding = null, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        var p = padding ?? 1;
        if (p.Start < 0 || p.End < 0)
            throw new ArgumentException($"ZeroPadding1D '{Name}': 'padding' must be non-negative, found {p}.", nameof(padding));
        Padding = p;
    }

    public override string ClassName => "ZeroPadding1D";

    public Sides1D Padding { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 2)
            throw new ArgumentException($"Layer '{Name}' (ZeroPadding1D) needs inputs [batch, steps, features], found per-sample shape {Describe(inputShape)}.");
        return [inputShape[0] + Padding.Start + Padding.End, inputShape[1]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        var (batch, steps, features) = (inputs.Shape[0], inputs.Shape[1], inputs.Shape[2]);
        // A sequence is an image one column wide: the steps are its rows.
        var padded = Op.Record(new ZeroPaddingOp(Tensor.Reshape(inputs, batch, steps, 1, features), Padding.Start, Padding.End, 0, 0));
        return Tensor.Reshape(padded, [batch, .. OutputShape!]);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["padding"] = ConvOptions.ToList(Padding.Start, Padding.End);
        return config;
    }

    public static ZeroPadding1D FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new ZeroPadding1D(Sides1D.Read(config, "padding", 1, $"ZeroPadding1D '{name ?? "?"}'"), inputShape, name);
    }
}
