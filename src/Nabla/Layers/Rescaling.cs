using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>Rescaling</c>: outputs = inputs·scale + offset, e.g. <c>new Rescaling(1.0 / 255)</c>.</summary>
public sealed class Rescaling(double scale, double offset = 0, int[]? inputShape = null, string? name = null)
    : Layer(name, inputShape)
{
    public override string ClassName => "Rescaling";

    public double Scale { get; } = scale;

    public double Offset { get; } = offset;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new ScaleShiftOp(inputs, [(float)Scale], [(float)Offset]));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["scale"] = Scale;
        config["offset"] = Offset;
        return config;
    }

    public static Rescaling FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new Rescaling(config.GetDouble("scale"), config.GetDouble("offset", 0), inputShape, name);
    }
}
