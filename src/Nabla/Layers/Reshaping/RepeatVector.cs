using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>RepeatVector</c>: turns [batch, features] into [batch, n, features], the sample repeated n
/// times (an encoder's summary fed to every step of a decoder).</summary>
public sealed class RepeatVector : Layer
{
    public RepeatVector(int n, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (n < 1) throw new ArgumentException($"RepeatVector '{Name}': 'n' must be at least 1, found {n}.", nameof(n));
        N = n;
    }

    public override string ClassName => "RepeatVector";

    public int N { get; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length != 1)
            throw new ArgumentException($"Layer '{Name}' (RepeatVector) needs inputs [batch, features], found per-sample shape {Describe(inputShape)}.");
        return [N, inputShape[0]];
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Repeat.Along(Tensor.Reshape(inputs, inputs.Shape[0], 1, inputs.Shape[1]), axis: 1, N);
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["n"] = (long)N;
        return config;
    }

    public static RepeatVector FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new RepeatVector(config.GetInt("n"), inputShape, name);
    }
}
