using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

public class RMSpropTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/rmsprop.py: learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False.
        var rms = new RMSprop();
        Assert.Equal(0.001, rms.LearningRate);
        Assert.Equal(0.9, rms.Rho);
        Assert.Equal(0.0, rms.Momentum);
        Assert.Equal(1e-7, rms.Epsilon);
        Assert.False(rms.Centered);
        Assert.Equal("rmsprop", rms.Name);
    }

    [Fact]
    public void KerasDocstringExample()
    {
        // The RMSprop docstring: lr 0.1, var = 10, loss = var²/2 (gradient 10), one step gives 9.683772.
        // v = 0.1·100 = 10; w = 10 − 0.1·10/sqrt(10 + 1e-7) = 9.683772234.
        var w = Tensor.FromArray([10f], 1);
        w.Grad = Tensor.FromArray([10f], 1);
        new RMSprop(learningRate: 0.1).Apply([w]);
        Assert.Equal(9.683772f, w.Data[0], 1e-5);
    }

    [Fact]
    public void OneStep_MatchesKerasFormula()
    {
        // v = 0.1·g²; w −= 0.001·g / sqrt(0.1·g² + 1e-7). g = 0.5: 0.0005/sqrt(0.0250001) = 3.1622713e-3.
        float[] w = Run(new RMSprop(), G1);
        AssertClose([0.0968377287f, -0.196837724f, 0.296837723f, -0.4f, 0.496837748f, -0.596837723f], w);
    }

    [Fact]
    public void CenteredWithMomentum_TwoSteps()
    {
        // momentum 0.5, centered. Per step: v = 0.9·v + 0.1·g²; a = 0.9·a + 0.1·g;
        // inc = 0.001·g / sqrt(v − a² + 1e-7); mom = 0.5·mom + inc; w −= mom.
        // Element 3 (g1 = 0, g2 = 2): step 1 moves nothing; step 2: v = 0.4, a = 0.2, inc = 0.002/sqrt(0.36) = 1/300.
        float[] w = Run(new RMSprop(momentum: 0.5, centered: true), G1, G2);
        AssertClose([0.0918608019f, -0.193381194f, 0.294560948f, -0.403333333f, 0.498239786f, -0.595824114f], w);
    }
}
