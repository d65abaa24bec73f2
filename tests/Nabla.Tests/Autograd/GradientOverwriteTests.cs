using Nabla.Layers;
using ActivationFunction = Nabla.Activations.Activation;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Autograd;

/// <summary>
/// The graph lets the first op that contributes to a gradient write it instead of zeroing it first.
/// These tests would catch a stale or double-counted gradient after repeated backward passes.
/// </summary>
public class GradientOverwriteTests
{
    [Fact]
    public void RepeatedBackwardGivesTheSameGradientNotAnAccumulatedOne()
    {
        var x = GradientCheck.Random(1, -1, 1, 4, 3);
        var w = GradientCheck.Random(2, -1, 1, 3, 2).RequireGrad();
        var graph = new Graph(Tensor.MatMul(x, w));
        graph.Backward();
        var first = w.Grad!.ToArray();
        graph.Forward();
        graph.Backward();
        Assert.Equal(first, w.Grad!.ToArray());
    }

    [Fact]
    public void AWeightUsedTwiceSumsBothContributionsEveryPass()
    {
        var x = GradientCheck.Random(3, -1, 1, 4, 3);
        var z = GradientCheck.Random(4, -1, 1, 5, 3);
        var w = GradientCheck.Random(5, -1, 1, 3, 2).RequireGrad();
        var loss = Tensor.Add(Tensor.Sum(Tensor.MatMul(x, w)), Tensor.Sum(Tensor.MatMul(z, w)));
        var graph = new Graph(loss);
        for (int pass = 0; pass < 3; pass++)
        {
            graph.Backward();
            // d/dW Σ(xW) = column sums of x, broadcast over W's columns; same for z.
            for (int i = 0; i < 3; i++)
            {
                float expected = 0;
                for (int r = 0; r < 4; r++) expected += x[r, i];
                for (int r = 0; r < 5; r++) expected += z[r, i];
                Assert.Equal(expected, w.Grad![i, 0], 1e-4);
                Assert.Equal(expected, w.Grad![i, 1], 1e-4);
            }
        }
    }

    [Fact]
    public void Activation_batch_norm_and_pointwise_convolution_write_a_gradient_they_feed_first_and_add_to_a_shared_one()
    {
        var x = GradientCheck.Random(6, -1, 1, 2, 3, 3, 4).RequireGrad();
        var conv = new Conv2D(5, 1);
        var norm = new BatchNormalization();
        var relu = ActivationFunction.Get("relu");
        // Each op is its input's only contributor: relu writes dz of the norm, the norm dz of the conv, the conv dx.
        var single = new Graph(Tensor.Sum(relu.Apply(norm.Call(conv.Call(x, training: true), training: true))));
        single.Backward();
        var first = x.Grad!.ToArray();
        single.Forward();
        single.Backward();
        Assert.Equal(first, x.Grad!.ToArray());
        // x also feeds a second term whose gradient is 1 everywhere: whichever contributor comes first writes, the other
        // adds. Both orders of the two terms, so that the convolution is the first contributor in one graph and not in the other.
        Tensor Chain() => Tensor.Sum(relu.Apply(norm.Call(conv.Call(x, training: true), training: true)));
        foreach (var shared in new[] { new Graph(Tensor.Add(Chain(), Tensor.Sum(x))), new Graph(Tensor.Add(Tensor.Sum(x), Chain())) })
            for (int pass = 0; pass < 2; pass++)
            {
                shared.Backward();
                // Within float rounding of the sum (Assert.Equal's decimal rounding would fail on a last-digit boundary).
                for (int i = 0; i < first.Length; i++)
                    Assert.True(Math.Abs(first[i] + 1f - x.Grad!.Data[i]) <= 1e-5f, $"dx[{i}]: {x.Grad!.Data[i]} vs {first[i] + 1f}");
            }
    }

    [Fact]
    public void A_layer_without_an_activation_keeps_its_output_as_the_pre_activation()
    {
        var x = GradientCheck.Random(7, -1, 1, 2, 4, 4, 3);
        var plain = new Conv2D(2, 3);
        var linear = plain.Observe(plain.Call(x, training: false));
        Assert.Same(linear.Output, linear.PreActivation);
        var relu = new Conv2D(2, 3, activation: "relu");
        var activity = relu.Observe(relu.Call(x, training: false));
        Assert.NotSame(activity.Output, activity.PreActivation);
    }
}
