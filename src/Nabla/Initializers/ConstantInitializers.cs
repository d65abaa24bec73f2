using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>All zeros (Keras <c>zeros</c>, the default bias initializer).</summary>
public sealed class Zeros : Initializer
{
    public override string ClassName => "Zeros";

    public override Config GetConfig() => new();

    public static Zeros FromConfig(Config config) => new();

    protected override void Fill(Span<float> values, int[] shape) => values.Clear();

    public override double ExpectedStd(int fanIn, int fanOut) => 0;
}

/// <summary>All ones (Keras <c>ones</c>, the default BatchNormalization gamma).</summary>
public sealed class Ones : Initializer
{
    public override string ClassName => "Ones";

    public override Config GetConfig() => new();

    public static Ones FromConfig(Config config) => new();

    protected override void Fill(Span<float> values, int[] shape) => values.Fill(1f);

    public override double ExpectedStd(int fanIn, int fanOut) => 0;
}

/// <summary>Every element set to <see cref="Value"/> (Keras <c>constant</c>, default value 0).</summary>
public sealed class Constant(double value = 0.0) : Initializer
{
    public double Value { get; } = Finite(value, "value");

    public override string ClassName => "Constant";

    public override Config GetConfig() => new() { ["value"] = Value };

    public static Constant FromConfig(Config config)
    {
        RefuseNullParameters(config, "Constant", "value");
        return new(config.GetDouble("value", 0.0));
    }

    protected override void Fill(Span<float> values, int[] shape) => values.Fill((float)Value);

    public override double ExpectedStd(int fanIn, int fanOut) => 0;
}
