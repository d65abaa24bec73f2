using Nabla.Autograd;
using Nabla.Layers;
using Nabla.TorchParity.Support;
using TorchSharp;

namespace Nabla.TorchParity.Layers;

/// <summary>Attention (scaled dot scores, a separate key, a value mask) and AdditiveAttention against the same formulas
/// in torch: softmax(scores, −1)·value, with masked keys at −1e9 as Keras sets them.</summary>
public class AttentionParityTests
{
    [Fact]
    public void Attention_and_AdditiveAttention_match_torch()
    {
        TorchRuntime.EnsureLoaded();
        const int batch = 2, queries = 3, keys = 5, features = 4;
        var mask = Tensor.FromArray([1, 1, 1, 0, 0, 1, 1, 1, 1, 1], batch, keys);
        foreach (bool additive in new[] { false, true })
        {
            Attention layer = additive ? new AdditiveAttention() : new Attention(useScale: true);
            var q = TestData.Normal(1, 1.0, batch, queries, features).RequireGrad();
            var v = TestData.Normal(2, 1.0, batch, keys, features).RequireGrad();
            var k = TestData.Normal(3, 1.0, batch, keys, features).RequireGrad();
            v.KerasMask = mask;
            layer.Call([q, v, k], false);
            var scale = layer.Weights[0];
            TestData.Assign(scale, TestData.Uniform(4, 0.5, 1.5, scale.Shape));
            var y = layer.Call([q, v, k], training: true);
            var outputGrad = TestData.Uniform(5, 0.5, 1.5, y.Shape);
            new Graph(y).Backward(outputGrad);

            using var scope = torch.NewDisposeScope();
            var (tq, tv, tk) = (Parity.ToTorch(q, requiresGrad: true), Parity.ToTorch(v, requiresGrad: true), Parity.ToTorch(k, requiresGrad: true));
            var ts = Parity.ToTorch(scale, requiresGrad: true);
            var scores = additive
                ? (ts * torch.tanh(tq.unsqueeze(2) + tk.unsqueeze(1))).sum(-1)
                : tq.matmul(tk.transpose(1, 2)) * ts;
            scores = scores - (1 - Parity.ToTorch(mask).unsqueeze(1)) * 1e9f;
            var ty = torch.softmax(scores, -1).matmul(tv);
            ty.backward([Parity.ToTorch(outputGrad)]);
            string what = additive ? "AdditiveAttention" : "Attention (dot, use_scale)";
            Parity.Compare($"{what} output", y, ty);
            Parity.CompareGradient($"{what} dL/dquery", q, tq);
            Parity.CompareGradient($"{what} dL/dvalue", v, tv);
            Parity.CompareGradient($"{what} dL/dkey", k, tk);
            Parity.CompareGradient($"{what} dL/dscale", scale, ts);
        }
    }
}
