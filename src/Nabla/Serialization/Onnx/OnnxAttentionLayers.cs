using Nabla.Configuration;
using Nabla.Layers;
using static Nabla.Serialization.Onnx.OnnxGraphBuilder;

namespace Nabla.Serialization.Onnx;

/// <summary>
/// Writes the attention layers on sequences [batch, steps, features] as ONNX, with the operations of Nabla's forward
/// passes in their order. MultiHeadAttention: each projection a MatMul and an Add, the heads split by Reshape and
/// Transpose, the query scaled by 1/√key_dim, a batched MatMul for the scores, the causal mask, Softmax over the key steps,
/// a MatMul with the values, the heads joined and the output projection. Attention ("dot": q·kᵀ times the scale;
/// "concat": Σ tanh(scale·(q + k)) times concat_score_weight) and AdditiveAttention (Σ scale·tanh(q + k)): the scores,
/// the causal mask, Softmax over the key steps and a MatMul with the value; their dropout is the identity at inference.
/// The causal mask is added as −1e9 where a key step is later than the query step.
/// </summary>
internal static class OnnxAttentionLayers
{
    public static bool Handles(Layer layer) => layer is MultiHeadAttention or Attention;

    /// <summary>Refuses, by name, the calls the export does not write: an attention_mask tensor, the attention scores as a
    /// second output, dropout forced on by the call's training option, and inputs of rank above 3 (MultiHeadAttention's
    /// attention_axes). A Keras mask on the inputs is refused by <see cref="OnnxMasking"/>.</summary>
    public static void Check(Node node)
    {
        string what = $"ONNX export: layer '{node.Layer.Name}' ({node.Layer.ClassName})";
        if (node.Inputs.Count == 4)
            throw new NotSupportedException($"{what} is called with an attention_mask tensor; only the causal mask is exported.");
        if (node.Outputs.Count > 1)
            throw new NotSupportedException($"{what} returns its attention scores; only the output is exported.");
        double dropout = node.Layer switch { MultiHeadAttention m => m.Dropout, Attention a => a.Dropout, _ => 0 };
        if (dropout > 0 && Layer.TrainingOf(node.Options, false))
            throw new NotSupportedException($"{what} is called with training true, so its dropout runs in Predict; the export writes inference.");
        if (node.Inputs.Any(input => input.Shape.Length != 2 || input.Shape.Contains(Layer.UnknownDimension)))
            throw new NotSupportedException($"{what} takes inputs other than sequences [batch, steps, features] of known lengths.");
    }

    /// <summary>Appends the layer's call on (query, value) or (query, value, key) and returns its output.</summary>
    public static string Emit(OnnxGraphBuilder g, Layer layer, IReadOnlyList<string> xs, IReadOnlyList<int[]> shapes, Config options) => layer switch
    {
        MultiHeadAttention mha => EmitMultiHead(g, mha, xs, shapes, options),
        Attention attention => EmitAttention(g, attention, xs, shapes, options),
        _ => throw new NotSupportedException($"ONNX export: layer '{layer.Name}' ({layer.ClassName}) cannot be written."),
    };

    private static string EmitMultiHead(OnnxGraphBuilder g, MultiHeadAttention mha, IReadOnlyList<string> xs, IReadOnlyList<int[]> shapes, Config options)
    {
        string name = mha.Name;
        var p = mha.Projections;
        int heads = mha.NumHeads;
        string key = xs.Count > 2 ? xs[2] : xs[1];
        var q = g.Node("Mul", name, [Heads(g, mha, "query", xs[0], p.QueryKernel, p.QueryBias, mha.KeyDim, [0, 2, 1, 3]),
            g.Scalar($"{name}/scale", (float)(1 / Math.Sqrt(mha.KeyDim)))]);
        var kTransposed = Heads(g, mha, "key", key, p.KeyKernel, p.KeyBias, mha.KeyDim, [0, 2, 3, 1]);
        var v = Heads(g, mha, "value", xs[1], p.ValueKernel, p.ValueBias, mha.ValueDim, [0, 2, 1, 3]);
        var scores = g.Node("MatMul", name, [q, kTransposed]);
        var context = g.Node("Transpose", name, [WeighValues(g, name, scores, v, shapes, options)], Ints("perm", 0, 2, 1, 3));
        var joined = g.Node("Reshape", name, [context, g.Int64Initializer($"{name}/joined_shape", [0, 0, heads * mha.ValueDim])]);
        int width = p.OutputKernel.Shape[2];
        var output = g.Node("MatMul", name, [joined, g.Initializer($"{name}/attention_output/kernel", [heads * mha.ValueDim, width], p.OutputKernel.Data)]);
        return p.OutputBias is { } bias ? g.Node("Add", name, [output, g.Weight(bias)]) : output;
    }

    /// <summary>Attention's and AdditiveAttention's scores [batch, query steps, key steps] as <see cref="Attention"/>'s
    /// Scores computes them, then the weighing of the value.</summary>
    private static string EmitAttention(OnnxGraphBuilder g, Attention attention, IReadOnlyList<string> xs, IReadOnlyList<int[]> shapes, Config options)
    {
        string name = attention.Name, query = xs[0], value = xs[1], key = xs.Count > 2 ? xs[2] : xs[1];
        string scores;
        if (attention is AdditiveAttention)
        {
            // Σ scale·tanh(q + k): the scale multiplies each feature after the tanh.
            string tanh = g.Node("Tanh", name, [PairSums(g, name, query, key)]);
            scores = SumFeatures(g, name, attention.Scale is { } scale ? g.Node("Mul", name, [tanh, g.Weight(scale)]) : tanh);
        }
        else if (attention.ScoreMode == "dot")
        {
            scores = g.Node("MatMul", name, [query, g.Node("Transpose", name, [key], Ints("perm", 0, 2, 1))]);
            if (attention.Scale is { } scale) scores = g.Node("Mul", name, [scores, g.Weight(scale)]);
        }
        else
        {
            // "concat": Σ tanh(scale·(q + k)) times concat_score_weight; the scale goes inside the tanh.
            string sums = PairSums(g, name, query, key);
            if (attention.Scale is { } scale) sums = g.Node("Mul", name, [sums, g.Weight(scale)]);
            scores = g.Node("Mul", name, [SumFeatures(g, name, g.Node("Tanh", name, [sums])), g.Weight(attention.ConcatScoreWeight!)]);
        }
        return WeighValues(g, name, scores, value, shapes, options);
    }

    /// <summary>softmax(scores, over the key steps) times the values, the causal mask added first when the call asks for it:
    /// the end both layer kinds share (for MultiHeadAttention per head, on [batch, heads, steps, ·]).</summary>
    private static string WeighValues(OnnxGraphBuilder g, string name, string scores, string values, IReadOnlyList<int[]> shapes, Config options)
    {
        if (AttentionInputs.Causal(options))
        {
            int queries = shapes[0][0], keys = (shapes.Count > 2 ? shapes[2] : shapes[1])[0];
            var adder = AttentionInputs.PaddingAdder(AttentionInputs.CausalKept(queries, keys));
            scores = g.Node("Add", name, [scores, g.Initializer($"{name}/causal_mask", [queries, keys], adder.Data)]);
        }
        var weights = g.Node("Softmax", name, [scores], Int("axis", -1));
        return g.Node("MatMul", name, [weights, values]);
    }

    /// <summary>q + k for every (query step, key step) pair, [batch, query steps, key steps, features], as
    /// Attention.PairSums: the query with a key axis of 1, the key with a query axis of 1.</summary>
    private static string PairSums(OnnxGraphBuilder g, string name, string query, string key) =>
        g.Node("Add", name, [g.Node("Unsqueeze", name, [query, g.Int64Initializer($"{name}/key_axis", [2])]),
            g.Node("Unsqueeze", name, [key, g.Int64Initializer($"{name}/query_axis", [1])])]);

    /// <summary>The sum over the features (axis 3) of [batch, query steps, key steps, features].</summary>
    private static string SumFeatures(OnnxGraphBuilder g, string name, string x) =>
        g.Node("ReduceSum", name, [x, g.Int64Initializer($"{name}/feature_axis", [3])], Int("keepdims", 0));

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
