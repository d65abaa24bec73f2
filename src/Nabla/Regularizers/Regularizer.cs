using Nabla.Autograd;
using Nabla.Configuration;

namespace Nabla.Regularizers;

/// <summary>
/// Keras's weight penalties: loss += l1·Σ|w| + l2·Σw² (Keras 3 has no ½ factor on l2). Defaults as Keras:
/// <c>L1(0.01)</c>, <c>L2(0.01)</c>, <c>L1L2(l1: 0, l2: 0)</c>.
/// </summary>
public sealed class Regularizer : IKerasSerializable
{
    public Regularizer(double l1, double l2, string className)
    {
        if (!(l1 >= 0 && double.IsFinite(l1)) || !(l2 >= 0 && double.IsFinite(l2)))
            throw new ArgumentException($"{className}: penalties must be finite non-negative numbers, found l1={l1}, l2={l2}.");
        L1 = l1;
        L2 = l2;
        ClassName = className;
    }

    public static Regularizer L1Penalty(double l1 = 0.01) => new(l1, 0, "L1");

    public static Regularizer L2Penalty(double l2 = 0.01) => new(0, l2, "L2");

    public static Regularizer L1L2(double l1 = 0, double l2 = 0) => new(l1, l2, "L1L2");

    public double L1 { get; }

    public double L2 { get; }

    public string ClassName { get; }

    /// <summary>The scalar penalty for <paramref name="weight"/>, recorded so it receives a gradient.</summary>
    public Tensor Call(Tensor weight) => Op.Record(new RegularizationOp(weight, (float)L1, (float)L2));

    public Config GetConfig() => ClassName switch
    {
        "L1" => new Config { ["l1"] = L1 },
        "L2" => new Config { ["l2"] = L2 },
        _ => new Config { ["l1"] = L1, ["l2"] = L2 },
    };

    public static readonly Registry<Regularizer> Registry = new Registry<Regularizer>("regularizer")
        .Add("L1", c => L1Penalty(c.GetDouble("l1", 0.01)), "l1")
        .Add("L2", c => L2Penalty(c.GetDouble("l2", 0.01)), "l2")
        .Add("L1L2", c => L1L2(c.GetDouble("l1", 0), c.GetDouble("l2", 0)), "l1_l2");

    public static Regularizer Get(string name) => Registry.Get(name);

    /// <summary>The regularizer a config names under <paramref name="key"/>; null when absent or null.</summary>
    public static Regularizer? Read(Config config, string key) => config.TryGet(key, out var spec) ? Registry.Deserialize(spec!) : null;

    /// <summary>A config entry for <paramref name="regularizer"/>, null when there is none.</summary>
    public static Config? SerializeOrNull(Regularizer? regularizer) =>
        regularizer is null ? null : Registry<Regularizer>.Serialize(regularizer);

    /// <summary>Makes a custom regularizer loadable from configs by its class name, as Keras's
    /// <c>register_keras_serializable</c>.</summary>
    public static void Register(string className, Func<Config, Regularizer> fromConfig, params string[] aliases) =>
        Registry.Register(className, fromConfig, aliases);
}

/// <summary>l1·Σ|w| + l2·Σw², whose gradient is l1·sign(w) + 2·l2·w.</summary>
internal sealed class RegularizationOp(Tensor weight, float l1, float l2) : Op([weight], [])
{
    public override string Name => "regularization";

    public override void Forward()
    {
        var w = Inputs[0].Data.AsSpan();
        double sum = 0;
        if (l1 != 0) sum += l1 * (double)System.Numerics.Tensors.TensorPrimitives.SumOfMagnitudes(w);
        if (l2 != 0) sum += l2 * (double)System.Numerics.Tensors.TensorPrimitives.SumOfSquares(w);
        Output.Data[0] = (float)sum;
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        float upstream = Output.Grad!.Data[0];
        var w = Inputs[0].Data;
        var g = Inputs[0].Grad!.Data;
        for (int i = 0; i < w.Length; i++)
            g[i] += upstream * (l1 * MathF.Sign(w[i]) + 2 * l2 * w[i]);
    }
}
