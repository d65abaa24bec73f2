using Nabla.Configuration;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes MultiHeadAttention on sequences [batch, steps, features] as ONNX, with the operations of Nabla's forward pass
/// in its order: each projection a MatMul and an Add, the heads split by Reshape and Transpose, the query scaled by
/// 1/√key_dim, a batched MatMul for the scores, the causal mask added as −1e9 where a key step is later than the query
/// step, Softmax over the key steps, a MatMul with the values, the heads joined and the output projection.
/// </summary>
internal static class OnnxAttentionLayers
{
    public static bool Handles(Layer layer) => layer is MultiHeadAttention;

    /// <summary>Refuses, by name, the calls the export does not write: an attention_mask tensor, the attention scores as a
    /// second output, and inputs of rank above 3.</summary>
    public static void Check(Node node)
    {
        string what = $"ONNX export: layer '{node.Layer.Name}' (MultiHeadAttention)";
        if (node.Inputs.Count == 4)
            throw new NotSupportedException($"{what} is called with an attention_mask tensor; only the causal mask is exported.");
        if (node.Outputs.Count > 1)
            throw new NotSupportedException($"{what} returns its attention scores; only the output is exported.");
        if (node.Inputs.Any(input => input.Shape.Length != 2 || input.Shape.Contains(Layer.UnknownDimension)))
            throw new NotSupportedException($"{what} takes inputs other than sequences [batch, steps, features] of known lengths.");
    }

    public static string Emit(OnnxGraphBuilder g, MultiHeadAttention mha, IReadOnlyList<string> xs, IReadOnlyList<int[]> shapes, Config options)
    {
        string name = mha.Name;
        var p = mha.Projections;
        int heads = mha.NumHeads, queries = shapes[0][0], keys = (shapes.Count > 2 ? shapes[2] : shapes[1])[0];
        string key = xs.Count > 2 ? xs[2] : xs[1];
        var q = g.Node("Mul", name, [Heads(g, mha, "query", xs[0], p.QueryKernel, p.QueryBias, mha.KeyDim, [0, 2, 1, 3]),
            g.Scalar($"{name}/scale", (float)(1 / Math.Sqrt(mha.KeyDim)))]);
        var kTransposed = Heads(g, mha, "key", key, p.KeyKernel, p.KeyBias, mha.KeyDim, [0, 2, 3, 1]);
        var v = Heads(g, mha, "value", xs[1], p.ValueKernel, p.ValueBias, mha.ValueDim, [0, 2, 1, 3]);
        var scores = g.Node("MatMul", name, [q, kTransposed]);
        if (AttentionInputs.Causal(options))
        {
            var adder = AttentionInputs.PaddingAdder(AttentionInputs.CausalKept(queries, keys));
            scores = g.Node("Add", name, [scores, g.Initializer($"{name}/causal_mask", [queries, keys], adder.Data)]);
        }
        var weights = g.Node("Softmax", name, [scores], Int("axis", -1));
        var context = g.Node("Transpose", name, [g.Node("MatMul", name, [weights, v])], Ints("perm", 0, 2, 1, 3));
        var joined = g.Node("Reshape", name, [context, g.Int64Initializer($"{name}/joined_shape", [0, 0, heads * mha.ValueDim])]);
        int width = p.OutputKernel.Shape[2];
        var output = g.Node("MatMul", name, [joined, g.Initializer($"{name}/attention_output/kernel", [heads * mha.ValueDim, width], p.OutputKernel.Data)]);
        return p.OutputBias is { } bias ? g.Node("Add", name, [output, g.Weight(bias)]) : output;
    }

    /// <summary>x [batch, steps, features] projected by kernel [features, heads, dim] and bias [heads, dim], split into heads
    /// and transposed by <paramref name="perm"/> from [batch, steps, heads, dim].</summary>
    private static string Heads(OnnxGraphBuilder g, MultiHeadAttention mha, string part, string x, Tensor kernel, Tensor? bias, int dim, long[] perm)
    {
        string name = mha.Name;
        int features = kernel.Shape[0], width = mha.NumHeads * dim;
        var projected = g.Node("MatMul", name, [x, g.Initializer($"{name}/{part}/kernel", [features, width], kernel.Data)]);
        if (bias is not null) projected = g.Node("Add", name, [projected, g.Initializer($"{name}/{part}/bias", [width], bias.Data)]);
        var split = g.Node("Reshape", name, [projected, g.Int64Initializer($"{name}/{part}/heads", [0, 0, mha.NumHeads, dim])]);
        return g.Node("Transpose", name, [split], Ints("perm", perm));
    }
}
