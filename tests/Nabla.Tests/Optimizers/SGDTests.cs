using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

public class SGDTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/sgd.py: learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD".
        var sgd = new SGD();
        Assert.Equal(0.01, sgd.LearningRate);
        Assert.Equal(0.0, sgd.Momentum);
        Assert.False(sgd.Nesterov);
        Assert.Equal("SGD", sgd.Name);
    }

    [Fact]
    public void PlainStep_IsWMinusLrG()
    {
        // w = w − 0.01·g: 0.1 − 0.005 = 0.095, −0.2 + 0.01 = −0.19, ...
        float[] w = Run(new SGD(), G1);
        AssertClose([0.095f, -0.19f, 0.28f, -0.4f, 0.4975f, -0.57f], w);
    }

    [Fact]
    public void Momentum_TwoSteps_CarriesVelocity()
    {
        // lr 0.1, momentum 0.9. Step 1: v1 = −0.1·g1, w1 = w0 − 0.1·g1.
        // Step 2: v2 = 0.9·v1 − 0.1·g2 = −0.09·g1 − 0.1·g2, w2 = w0 − 0.19·g1 − 0.1·g2.
        // Element 0: 0.1 − 0.19·0.5 − 0.1·1 = −0.095.
        float[] w = Run(new SGD(learningRate: 0.1, momentum: 0.9), G1, G2);
        AssertClose([-0.095f, 0.04f, -0.105f, -0.6f, 0.6025f, -0.105f], w);
    }

    [Fact]
    public void Nesterov_TwoSteps()
    {
        // Keras nesterov: v = 0.9·v − 0.1·g; w += 0.9·v − 0.1·g.
        // Step 1: v1 = −0.1·g1, w1 = w0 − 0.09·g1 − 0.1·g1 = w0 − 0.19·g1.
        // Step 2: v2 = −0.09·g1 − 0.1·g2, w2 = w1 + 0.9·v2 − 0.1·g2 = w0 − 0.271·g1 − 0.19·g2.
        // Element 0: 0.1 − 0.1355 − 0.19 = −0.2255.
        float[] w = Run(new SGD(learningRate: 0.1, momentum: 0.9, nesterov: true), G1, G2);
        AssertClose([-0.2255f, 0.166f, -0.2895f, -0.78f, 0.71725f, 0.0705f], w);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Momentum_OutsideZeroOne_Throws(double momentum)
    {
        // Keras SGD: "`momentum` must be a float between [0, 1]."
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(momentum: momentum));
        Assert.Contains("momentum", error.Message);
    }
}
