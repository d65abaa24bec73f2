using Nabla.Configuration;
using Nabla.Activations;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes each Nabla activation as ONNX (default domain, opset <see cref="OnnxExport.Opset"/>) operators
/// computing the same function. Where opset 17 has no operator (gelu, silu, relu6), a short chain of
/// standard ones stands in; the constants are Keras's.
/// </summary>
internal static class OnnxActivations
{
    /// <summary>The activations the exporter writes (Keras identifiers).</summary>
    public static readonly string[] Supported =
    [
        "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu", "sigmoid", "hard_sigmoid", "tanh",
        "softmax", "log_softmax", "softplus", "softsign", "silu", "exponential",
    ];

    /// <summary>Appends the nodes for <paramref name="activation"/> applied to <paramref name="x"/> and
    /// returns the result's name (x itself for linear). <paramref name="scope"/> prefixes node and constant names.</summary>
    public static string Emit(OnnxGraphBuilder g, Activation activation, string x, string scope, string owner)
    {
        string name = $"{scope}/{activation.Name}";
        return activation switch
        {
            Linear => x,
            Relu => g.Node("Relu", name, [x]),
            Sigmoid => g.Node("Sigmoid", name, [x]),
            Tanh => g.Node("Tanh", name, [x]),
            Softsign => g.Node("Softsign", name, [x]),
            Softplus => g.Node("Softplus", name, [x]),
            Exponential => g.Node("Exp", name, [x]),
            // Opset 13+ Softmax/LogSoftmax work along one axis, as Keras's do along the last.
            Softmax => g.Node("Softmax", name, [x], Int("axis", -1)),
            LogSoftmax => g.Node("LogSoftmax", name, [x], Int("axis", -1)),
            Elu elu => g.Node("Elu", name, [x], Float("alpha", elu.Alpha)),
            Selu => g.Node("Selu", name, [x], Float("alpha", Selu.Alpha), Float("gamma", Selu.Scale)),
            // ONNX: x for x ≥ 0, alpha·x below; Nabla: x for x > 0: both give 0 at 0.
            LeakyRelu leaky => g.Node("LeakyRelu", name, [x], Float("alpha", leaky.NegativeSlope)),
            // Keras 3: relu6(x + 3)/6 = clamp(x/6 + 0.5, 0, 1), which is ONNX's max(0, min(1, alpha·x + beta)).
            HardSigmoid => g.Node("HardSigmoid", name, [x], Float("alpha", 1.0 / 6), Float("beta", 0.5)),
            // Clip takes its bounds as inputs since opset 11.
            Relu6 => g.Node("Clip", name, [x, g.Scalar($"{name}/min", 0f), g.Scalar($"{name}/max", 6f)]),
            Silu => g.Node("Mul", name, [x, g.Node("Sigmoid", name, [x])]),
            Gelu { Approximate: false } => ExactGelu(g, x, name),
            Gelu => TanhGelu(g, x, name),
            _ => throw Unsupported(activation, owner),
        };
    }

    /// <summary>x·Φ(x) = 0.5·x·(1 + erf(x/√2)); ONNX has Gelu only from opset 20.</summary>
    private static string ExactGelu(OnnxGraphBuilder g, string x, string name)
    {
        string erf = g.Node("Erf", name, [g.Node("Mul", name, [x, g.Scalar($"{name}/inv_sqrt2", (float)(1 / Math.Sqrt(2)))])]);
        return HalfXTimesOnePlus(g, x, erf, name);
    }

    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), Keras's approximate=True.</summary>
    private static string TanhGelu(OnnxGraphBuilder g, string x, string name)
    {
        string cube = g.Node("Mul", name, [g.Node("Mul", name, [x, x]), x]);
        string inner = g.Node("Add", name, [x, g.Node("Mul", name, [cube, g.Scalar($"{name}/cubic", 0.044715f)])]);
        string scaled = g.Node("Mul", name, [inner, g.Scalar($"{name}/sqrt_2_over_pi", (float)Math.Sqrt(2 / Math.PI))]);
        return HalfXTimesOnePlus(g, x, g.Node("Tanh", name, [scaled]), name);
    }

    private static string HalfXTimesOnePlus(OnnxGraphBuilder g, string x, string t, string name)
    {
        string onePlus = g.Node("Add", name, [t, g.Scalar($"{name}/one", 1f)]);
        return g.Node("Mul", name, [g.Node("Mul", name, [x, onePlus]), g.Scalar($"{name}/half", 0.5f)]);
    }

    private static NotSupportedException Unsupported(Activation activation, string owner) =>
        new($"ONNX export: layer '{owner}' uses activation '{activation.Name}' ({activation.GetType().Name}), " +
            $"which the exporter cannot write; supported activations: {string.Join(", ", Supported)}.");
}
