using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

/// <summary>Keras base_optimizer._clip_gradients, checked with SGD(lr = 1) so that w1 = w0 − clipped g.</summary>
public class ClippingTests
{
    [Fact]
    public void ClipNorm_ScalesEachGradientToTheNorm()
    {
        // ‖g1‖ = sqrt(0.25 + 1 + 4 + 0 + 0.0625 + 9) = sqrt(14.3125) = 3.7831865; clipnorm 1 gives g·1/3.7831865.
        // Element 0: 0.1 − 0.5/3.7831865 = −0.0321637201.
        var kernel = Kernel();
        SetGrad(kernel, G1);
        new SGD(learningRate: 1.0, clipNorm: 1.0).Apply([kernel]);
        AssertClose([-0.0321637201f, 0.0643274402f, -0.22865488f, -0.4f, 0.43391814f, 0.192982321f], kernel.Data);
        Assert.Equal(G1, kernel.Grad!.Data);   // Grad itself is never rewritten
    }

    [Fact]
    public void ClipNorm_LeavesASmallGradientAlone()
    {
        // Keras: g·c / max(‖g‖, c) = g when ‖g‖ <= c.
        float[] w = Run(new SGD(learningRate: 1.0, clipNorm: 10.0), G1);
        AssertClose(W0.Zip(G1, (a, b) => a - b).ToArray(), w);
    }

    [Fact]
    public void ClipValue_ClampsEachElement()
    {
        // clip(g1, −0.5, 0.5) = [0.5, −0.5, 0.5, 0, 0.25, −0.5].
        var kernel = Kernel();
        SetGrad(kernel, G1);
        new SGD(learningRate: 1.0, clipValue: 0.5).Apply([kernel]);
        AssertClose([-0.4f, 0.3f, -0.2f, -0.4f, 0.25f, -0.1f], kernel.Data);
        Assert.Equal(G1, kernel.Grad!.Data);
    }

    [Fact]
    public void GlobalClipNorm_ScalesAllGradientsTogether()
    {
        // ‖[3, 0]‖ = 3 and ‖[0, 4]‖ = 4: global norm 5, global_clipnorm 1 scales both by 0.2.
        // Per-variable clipnorm 1 would instead scale by 1/3 and 1/4.
        var (a, b) = (Tensor.FromArray([1f, 1f], 2), Tensor.FromArray([1f, 1f], 2));
        a.Grad = Tensor.FromArray([3f, 0f], 2);
        b.Grad = Tensor.FromArray([0f, 4f], 2);
        new SGD(learningRate: 1.0, globalClipNorm: 1.0).Apply([a, b]);
        AssertClose([0.4f, 1f], a.Data);
        AssertClose([1f, 0.2f], b.Data);

        var (c, d) = (Tensor.FromArray([1f, 1f], 2), Tensor.FromArray([1f, 1f], 2));
        c.Grad = a.Grad;
        d.Grad = b.Grad;
        new SGD(learningRate: 1.0, clipNorm: 1.0).Apply([c, d]);
        AssertClose([0f, 1f], c.Data);
        AssertClose([1f, 0f], d.Data);
    }

    [Fact]
    public void GlobalClipNorm_NonFiniteNorm_RefusesTheStep()
    {
        // Keras clip_by_global_norm adds (norm − norm): an infinite norm makes the scale NaN rather than hiding it,
        // and Keras then writes NaN weights. With its guard on, Nabla refuses a step that would leave a weight NaN and keeps the old ones.
        var p = Tensor.FromArray([1f, 1f], 2);
        p.Grad = Tensor.FromArray([float.PositiveInfinity, 1f], 2);
        var sgd = new SGD(learningRate: 1.0, globalClipNorm: 1.0) { RefuseNonFiniteUpdates = true };
        Assert.False(sgd.Apply([p]));
        Assert.True(sgd.LastStepRefused);
        Assert.Equal([1f, 1f], p.Data);
        Assert.Equal(0, sgd.Iterations);
    }

    [Fact]
    public void ZeroGradient_WithClipNorm_StaysZero()
    {
        // Keras guards ‖g‖ = 0: g·c/max(0, c) = 0, no division by zero.
        var p = Tensor.FromArray([1f, 2f], 2);
        p.Grad = Tensor.FromArray([0f, 0f], 2);
        new SGD(learningRate: 1.0, clipNorm: 1.0).Apply([p]);
        Assert.Equal([1f, 2f], p.Data);
    }

    [Theory]
    [InlineData(1.0, null, 1.0)]
    [InlineData(1.0, 1.0, null)]
    [InlineData(null, 1.0, 1.0)]
    public void MoreThanOneClipOption_Throws(double? clipNorm, double? clipValue, double? globalClipNorm)
    {
        // Keras BaseOptimizer: "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set."
        var error = Assert.Throws<ArgumentException>(() =>
            new Adam(clipNorm: clipNorm, clipValue: clipValue, globalClipNorm: globalClipNorm));
        Assert.Contains("Only one of", error.Message);
    }

    [Fact]
    public void SettingASecondClipOption_Throws()
    {
        var adam = new Adam(globalClipNorm: 1.0);
        Assert.Throws<ArgumentException>(() => adam.ClipNorm = 1.0);
        Assert.Null(adam.ClipNorm);
        adam.GlobalClipNorm = null;
        adam.ClipNorm = 2.0;
        Assert.Equal(2.0, adam.ClipNorm);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void NonPositiveClip_Throws(double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(clipNorm: value));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(clipValue: value));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(globalClipNorm: value));
    }
}
