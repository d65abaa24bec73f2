using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes the merge layers of a functional graph as ONNX, with the same operations in the same order as Nabla's
/// forward pass: element-wise merges fold their inputs pairwise (an input of lower rank gets axes of size 1 after the
/// batch axis first, as Keras does, where ONNX's broadcasting would add them in front), Concatenate is Concat, and Dot
/// is Keras's batch_dot as transposes, reshapes and a batched MatMul.
/// </summary>
internal static class OnnxMergeLayers
{
    public static readonly string[] Supported = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"];

    /// <summary>Dot's floor on the squared norm when it normalizes (the layer's own epsilon).</summary>
    private const float NormalizeEpsilon = 1e-12f;

    public static bool Handles(Layer layer) => layer is ElementwiseMerge or Concatenate or Dot;

    /// <param name="shapes">The per-sample shape of each input.</param>
    public static string Emit(OnnxGraphBuilder g, Layer layer, IReadOnlyList<string> xs, IReadOnlyList<int[]> shapes) => layer switch
    {
        ElementwiseMerge merge => EmitElementwise(g, merge, xs, shapes),
        Concatenate concatenate => g.Node("Concat", concatenate.Name, xs, Int("axis", concatenate.Axis)),
        Dot dot => EmitDot(g, dot, xs[0], xs[1], shapes[0], shapes[1]),
        _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
    };

    private static string EmitElementwise(OnnxGraphBuilder g, ElementwiseMerge merge, IReadOnlyList<string> xs, IReadOnlyList<int[]> shapes)
    {
        string name = merge.Name;
        int rank = shapes.Max(s => s.Length);
        var aligned = xs.Select((x, i) => shapes[i].Length == rank ? x
            : g.Node("Unsqueeze", name, [x, g.Int64Initializer($"{name}/unsqueeze_{rank - shapes[i].Length}",
                Enumerable.Range(1, rank - shapes[i].Length).Select(a => (long)a).ToArray())])).ToList();
        string op = merge switch
        {
            Add or Average => "Add",
            Subtract => "Sub",
            Multiply => "Mul",
            Maximum => "Max",
            Minimum => "Min",
            _ => throw new NotSupportedException($"ONNX export: layer '{name}' ({merge.ClassName}) cannot be written."),
        };
        string result = aligned[0];
        for (int i = 1; i < aligned.Count; i++) result = g.Node(op, name, [result, aligned[i]]);
        return merge is Average ? g.Node("Mul", name, [result, g.Scalar($"{name}/inverse_count", 1f / aligned.Count)]) : result;
    }

    private static string EmitDot(OnnxGraphBuilder g, Dot dot, string a, string b, int[] shapeA, int[] shapeB)
    {
        string name = dot.Name;
        var (axisA, axisB) = dot.ContractedAxes;
        if (dot.Normalize) (a, b) = (L2Normalize(g, name, a, [axisA + 1], NormalizeEpsilon), L2Normalize(g, name, b, [axisB + 1], NormalizeEpsilon));
        if (shapeA.Length == 1 && shapeB.Length == 1)
            return g.Node("ReduceSum", name, [g.Node("Mul", name, [a, b]), g.Int64Initializer($"{name}/axes_1", [1])], Int("keepdims", 1));
        long depth = shapeA[axisA];
        string left = g.Node("Reshape", name, [MoveAxis(g, name, a, shapeA.Length + 1, axisA + 1, shapeA.Length),
            g.Int64Initializer($"{name}/left_shape", [0, -1, depth])]);
        string right = g.Node("Reshape", name, [MoveAxis(g, name, b, shapeB.Length + 1, axisB + 1, 1),
            g.Int64Initializer($"{name}/right_shape", [0, depth, -1])]);
        return g.Node("Reshape", name, [g.Node("MatMul", name, [left, right]),
            g.Int64Initializer($"{name}/output_shape", [0, .. dot.OutputShape!.Select(d => (long)d)])]);
    }

    private static string MoveAxis(OnnxGraphBuilder g, string name, string x, int rank, int from, int to) =>
        from == to ? x : g.Node("Transpose", name, [x], Ints("perm", Dot.MoveAxisOrder(rank, from, to).Select(p => (long)p).ToArray()));

    /// <summary>x / √max(Σx², ε) along <paramref name="axes"/>, as Dot's normalize and UnitNormalization compute it.</summary>
    internal static string L2Normalize(OnnxGraphBuilder g, string name, string x, int[] axes, float epsilon)
    {
        string squaredNorm = g.Node("ReduceSum", name, [g.Node("Mul", name, [x, x]),
            g.Int64Initializer($"{name}/axes_{string.Join("_", axes)}", [.. axes.Select(a => (long)a)])], Int("keepdims", 1));
        string floored = g.Node("Clip", name, [squaredNorm, g.Scalar($"{name}/epsilon", epsilon), g.Scalar($"{name}/max", float.MaxValue)]);
        return g.Node("Div", name, [x, g.Node("Sqrt", name, [floored])]);
    }
}
