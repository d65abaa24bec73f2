using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's Attention and AdditiveAttention layers (keras/src/layers/attention/attention.py and
/// additive_attention.py): outputs against the formulas written out, masks, finite differences and configs.</summary>
public class AttentionLayerTests
{
    private const int Batch = 2, Queries = 3, Keys = 4, Features = 2;

    /// <summary>softmax over the key steps of score(q_i, k_j), then the weighted values, by loops.</summary>
    private static double[] Reference(Tensor q, Tensor v, Func<int, int, int, double> score, bool[]? keyKept = null)
    {
        var result = new double[Batch * Queries * Features];
        for (int b = 0; b < Batch; b++)
            for (int i = 0; i < Queries; i++)
            {
                var s = Enumerable.Range(0, Keys).Select(j => keyKept is null || keyKept[b * Keys + j] ? score(b, i, j) : double.NegativeInfinity).ToArray();
                double max = s.Max(), total = s.Sum(x => Math.Exp(x - max));
                for (int j = 0; j < Keys; j++)
                    for (int f = 0; f < Features; f++)
                        result[(b * Queries + i) * Features + f] += Math.Exp(s[j] - max) / total * v.Data[(b * Keys + j) * Features + f];
            }
        return result;
    }

    private static double Q(Tensor t, int b, int step, int f, int steps) => t.Data[(b * steps + step) * Features + f];

    [Fact]
    public void DotConcatAndAdditiveScoresGiveKerasOutputs()
    {
        var q = GradientCheck.Random(1, -1, 1, Batch, Queries, Features);
        var v = GradientCheck.Random(2, -1, 1, Batch, Keys, Features);
        double Dot(int b, int i, int j) => Enumerable.Range(0, Features).Sum(f => Q(q, b, i, f, Queries) * Q(v, b, j, f, Keys));
        var dot = new Attention();
        Assert.Equal(Reference(q, v, Dot), dot.Call([q, v], false).Data.Select(x => (double)x), new ToleranceComparer(1e-5));
        var scaled = new Attention(useScale: true);
        scaled.Call([q, v], false);
        scaled.Scale!.Data[0] = 2.5f;
        Assert.Equal(Reference(q, v, (b, i, j) => 2.5 * Dot(b, i, j)), scaled.Call([q, v], false).Data.Select(x => (double)x), new ToleranceComparer(1e-5));
        var concat = new Attention(useScale: true, scoreMode: "concat");
        concat.Call([q, v], false);
        concat.Scale!.Data[0] = 0.5f;
        concat.ConcatScoreWeight!.Data[0] = 3f;
        Assert.Equal(Reference(q, v, (b, i, j) => 3 * Enumerable.Range(0, Features).Sum(f => Math.Tanh(0.5 * (Q(q, b, i, f, Queries) + Q(v, b, j, f, Keys))))),
            concat.Call([q, v], false).Data.Select(x => (double)x), new ToleranceComparer(1e-5));
        var additive = new AdditiveAttention();
        additive.Call([q, v], false);
        var scale = additive.Weights.Single();
        Assert.Equal([Features], scale.Shape);
        Assert.Equal(Reference(q, v, (b, i, j) => Enumerable.Range(0, Features).Sum(f => scale.Data[f] * Math.Tanh(Q(q, b, i, f, Queries) + Q(v, b, j, f, Keys)))),
            additive.Call([q, v], false).Data.Select(x => (double)x), new ToleranceComparer(1e-5));
    }

    [Fact]
    public void AValueMaskLeavesStepsOutAndAQueryMaskZeroesOutputSteps()
    {
        var q = GradientCheck.Random(3, -1, 1, Batch, Queries, Features);
        var v = GradientCheck.Random(4, -1, 1, Batch, Keys, Features);
        bool[] kept = [true, true, false, true, true, false, false, false];
        v.KerasMask = Tensor.FromArray(kept.Select(k => k ? 1f : 0f).ToArray(), Batch, Keys);
        q.KerasMask = Tensor.FromArray([1, 1, 0, 1, 0, 1], Batch, Queries);
        var y = new Attention().Call([q, v], false);
        var expected = Reference(q, v, (b, i, j) => Enumerable.Range(0, Features).Sum(f => Q(q, b, i, f, Queries) * Q(v, b, j, f, Keys)), kept);
        for (int r = 0; r < Batch * Queries; r++)
            for (int f = 0; f < Features; f++)
                Assert.Equal(q.KerasMask.Data[r] == 0 ? 0 : expected[r * Features + f], y.Data[r * Features + f], 1e-5);
        Assert.Same(q.KerasMask, y.KerasMask);
    }

    [Fact]
    public void EveryScoreMatchesFiniteDifferences()
    {
        var q = GradientCheck.Random(5, -1, 1, Batch, Queries, Features);
        var v = GradientCheck.Random(6, -1, 1, Batch, Keys, Features);
        var k = GradientCheck.Random(7, -1, 1, Batch, Keys, Features);
        var scaled = new Attention(useScale: true);
        scaled.Call([q, v, k], false);
        var concat = new Attention(useScale: true, scoreMode: "concat");
        concat.Call([q, v], false);
        var additive = new AdditiveAttention();
        additive.Call([q, v], false);
        GradientCheck.Check(t => scaled.Call([t[0], t[1], t[2]], true), [q, v, k, scaled.Scale!]);
        GradientCheck.Check(t => concat.Call([t[0], t[1]], true), [q, v, concat.Scale!, concat.ConcatScoreWeight!]);
        GradientCheck.Check(t => additive.Call([t[0], t[1]], true), [q, v, additive.Weights[0]]);
    }

    [Fact]
    public void ConfigsFollowKeras()
    {
        // attention.py: use_scale=False, score_mode="dot", dropout=0.0; additive_attention.py: use_scale=True, no score_mode.
        var attention = (Attention)Layer.Deserialize(Config.Parse("""{"class_name": "Attention", "config": {"name": "a"}}"""));
        Assert.Equal((false, "dot", 0.0), (attention.UseScale, attention.ScoreMode, attention.Dropout));
        var additive = (AdditiveAttention)Layer.Deserialize(Config.Parse("""{"class_name": "AdditiveAttention", "config": {"name": "b"}}"""));
        Assert.True(additive.UseScale);
        Assert.False(additive.GetConfig().ContainsKey("score_mode"));
        var concat = new Attention(true, "concat", 0.2, seed: 3, name: "c");
        Assert.Equal(concat.GetConfig().ToJsonString(), Layer.Deserialize(Registry<Layer>.Serialize(concat)).GetConfig().ToJsonString());
        Assert.Contains("score_mode", Assert.Throws<ArgumentException>(() => new Attention(scoreMode: "general")).Message);
    }
}
