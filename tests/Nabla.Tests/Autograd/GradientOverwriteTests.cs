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
                Assert.Equal(expected, w.Grad![i, 0], 4);
                Assert.Equal(expected, w.Grad![i, 1], 4);
            }
        }
    }
}
