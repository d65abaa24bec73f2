using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;
using F = TorchSharp.torch.nn.functional;
using TorchTensor = TorchSharp.torch.Tensor;

namespace Nabla.TorchParity.Layers;

/// <summary>MultiHeadAttention against torch's scaled_dot_product_attention between the same projections (Keras's
/// einsum kernels [features, heads, dim] read as [features, heads·dim] matrices), with and without a padding mask on
/// the keys, and with Keras's causal mask (torch's lower-triangular attn_mask, query step i seeing key steps j ≤ i): output
/// and the gradients of the inputs and of every weight.</summary>
public class MultiHeadAttentionParityTests
{
    [Theory]
    [InlineData(2, 4, 4, false, false)]
    [InlineData(3, 2, 5, true, false)]
    [InlineData(2, 3, 3, false, true)]
    [InlineData(2, 4, 2, true, true)]
    public void MultiHeadAttention_matches_torch_scaled_dot_product_attention(int heads, int keyDim, int valueDim, bool masked, bool causal)
    {
        TorchRuntime.EnsureLoaded();
        const int batch = 2, queries = 5, keys = 6, features = 7;
        var layer = new MultiHeadAttention(heads, keyDim, valueDim);
        layer.Apply(new Input([queries, features]), new Input([keys, features]));
        int seed = 1;
        foreach (var w in layer.Weights) TestData.Assign(w, TestData.Normal(seed++, 0.4, w.Shape));
        var query = TestData.Normal(20, 1.0, batch, queries, features).RequireGrad();
        var value = TestData.Normal(21, 1.0, batch, keys, features).RequireGrad();
        var keyMask = Tensor.FromArray([1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 0], batch, keys);
        if (masked) value.KerasMask = keyMask;
        var y = layer.Call(query, value, null, training: true, useCausalMask: causal);
        var outputGrad = TestData.Uniform(22, 0.5, 1.5, y.Shape);
        new Graph(y).Backward(outputGrad);

        using var scope = torch.NewDisposeScope();
        var (tq, tv, tw) = (Parity.ToTorch(query, requiresGrad: true), Parity.ToTorch(value, requiresGrad: true), TorchWeights(layer));
        var (q, k, vv) = Heads(layer, tq, tv, tw);
        TorchTensor? attnMask = masked ? Parity.ToTorch(keyMask).to_type(torch.@bool).reshape(batch, 1, 1, keys) : null;
        if (causal)
        {
            var lower = torch.ones(queries, keys, dtype: torch.@bool).tril();
            attnMask = attnMask is null ? lower : attnMask.logical_and(lower);
        }
        var context = F.scaled_dot_product_attention(q, k, vv, attnMask);
        var ty = context.permute(0, 2, 1, 3).reshape(batch, queries, heads * valueDim).matmul(tw[6].reshape(heads * valueDim, features)) + tw[7];
        ty.backward([Parity.ToTorch(outputGrad)]);

        string what = $"MultiHeadAttention {heads} heads, key_dim {keyDim}, value_dim {valueDim}{(masked ? ", masked keys" : "")}{(causal ? ", causal" : "")}";
        Parity.Compare($"{what} output", y, ty);
        Parity.CompareGradient($"{what} dL/dquery", query, tq);
        Parity.CompareGradient($"{what} dL/dvalue", value, tv);
        for (int i = 0; i < tw.Length; i++) Parity.CompareGradient($"{what} dL/d{layer.Weights[i].Name}", layer.Weights[i], tw[i]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void An_attention_mask_and_the_returned_scores_match_torch_softmax_attention(bool causal)
    {
        TorchRuntime.EnsureLoaded();
        const int batch = 2, heads = 3, keyDim = 2, valueDim = 3, queries = 4, keys = 5, features = 6;
        var layer = new MultiHeadAttention(heads, keyDim, valueDim);
        layer.Apply(new Input([queries, features]), new Input([keys, features]));
        int seed = 1;
        foreach (var w in layer.Weights) TestData.Assign(w, TestData.Normal(seed++, 0.4, w.Shape));
        var query = TestData.Normal(30, 1.0, batch, queries, features).RequireGrad();
        var value = TestData.Normal(31, 1.0, batch, keys, features).RequireGrad();
        // Keras's attention_mask [batch, queries, keys]: every query keeps key step 0, so that no row is masked whole.
        var given = new Tensor(batch, queries, keys);
        for (int i = 0; i < given.Size; i++) given.Data[i] = i % keys == 0 || (i * 7) % 3 != 0 ? 1 : 0;
        var (y, scores) = layer.CallWithScores(query, value, null, given, training: true, useCausalMask: causal);
        var (outputGrad, scoresGrad) = (TestData.Uniform(32, 0.5, 1.5, y.Shape), TestData.Uniform(33, -1, 1, scores.Shape));
        new Graph(Tensor.Add(Tensor.Sum(Tensor.Multiply(y, outputGrad)), Tensor.Sum(Tensor.Multiply(scores, scoresGrad)))).Backward();

        using var scope = torch.NewDisposeScope();
        var (tq, tv, tw) = (Parity.ToTorch(query, requiresGrad: true), Parity.ToTorch(value, requiresGrad: true), TorchWeights(layer));
        var (q, k, vv) = Heads(layer, tq, tv, tw);
        var kept = Parity.ToTorch(given).to_type(torch.@bool).reshape(batch, 1, queries, keys);
        if (causal) kept = kept.logical_and(torch.ones(queries, keys, dtype: torch.@bool).tril());
        var weights = q.matmul(k.transpose(-2, -1)).div(Math.Sqrt(keyDim)).masked_fill(kept.logical_not(), double.NegativeInfinity).softmax(-1);
        var ty = weights.matmul(vv).permute(0, 2, 1, 3).reshape(batch, queries, heads * valueDim).matmul(tw[6].reshape(heads * valueDim, features)) + tw[7];
        (ty.mul(Parity.ToTorch(outputGrad)).sum() + weights.mul(Parity.ToTorch(scoresGrad)).sum()).backward();

        string what = $"MultiHeadAttention with an attention mask{(causal ? " and the causal mask" : "")}";
        Parity.Compare($"{what} output", y, ty);
        Parity.Compare($"{what} scores", scores, weights);
        Parity.CompareGradient($"{what} dL/dquery", query, tq);
        Parity.CompareGradient($"{what} dL/dvalue", value, tv);
        for (int i = 0; i < tw.Length; i++) Parity.CompareGradient($"{what} dL/d{layer.Weights[i].Name}", layer.Weights[i], tw[i]);
    }

    private static TorchTensor[] TorchWeights(MultiHeadAttention layer) =>
        layer.Weights.Select(w => Parity.ToTorch(w, requiresGrad: true)).ToArray();

    /// <summary>The query, key and value projections per head, [batch, heads, steps, dim], from Keras's einsum kernels
    /// [features, heads, dim] read as [features, heads·dim] matrices.</summary>
    private static (TorchTensor Query, TorchTensor Key, TorchTensor Value) Heads(MultiHeadAttention layer, TorchTensor query,
        TorchTensor value, TorchTensor[] tw)
    {
        TorchTensor Project(TorchTensor x, TorchTensor kernel, TorchTensor bias, int dim) =>
            (x.matmul(kernel.reshape(x.shape[2], layer.NumHeads * dim)) + bias.reshape(layer.NumHeads * dim))
                .reshape(x.shape[0], x.shape[1], layer.NumHeads, dim).permute(0, 2, 1, 3);
        return (Project(query, tw[0], tw[1], layer.KeyDim), Project(value, tw[2], tw[3], layer.KeyDim), Project(value, tw[4], tw[5], layer.ValueDim));
    }
}
