using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Activations;

using Nabla.Activations;

public class ActivationGradientTests
{
    public static TheoryData<string> Names => new(Activation.Registry.Names.Where(n => n == n.ToLowerInvariant()));

    /// <summary>Points away from every kink (0 for the rectifiers, ±3 for hard_sigmoid, 6 for relu6) by more than
    /// the finite-difference step, on both sides of each.</summary>
    private static Tensor AwayFromKinks() =>
        Tensor.FromArray([-3.6f, -2.5f, -1.3f, -0.4f, 0.3f, 0.9f, 2.2f, 4.1f, 6.7f], 3, 3);

    [Theory, MemberData(nameof(Names))]
    public void EveryActivationMatchesFiniteDifferences(string name)
    {
        var activation = Activation.Get(name);
        GradientCheck.Check(t => activation.Apply(t[0]), [AwayFromKinks()]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void BothGeluFormsMatchFiniteDifferences(bool approximate) =>
        GradientCheck.Check(t => new Gelu(approximate).Apply(t[0]), [AwayFromKinks()]);

    [Fact]
    public void ParameterisedActivationsMatchFiniteDifferences()
    {
        GradientCheck.Check(t => new LeakyRelu(0.05).Apply(t[0]), [AwayFromKinks()]);
        GradientCheck.Check(t => new Elu(0.7).Apply(t[0]), [AwayFromKinks()]);
    }

    [Fact]
    public void ReluDerivativeAtZeroIsExactlyZero()
    {
        // TensorFlow's ReluGrad passes the gradient only where x > 0, so relu'(0) = 0.
        var x = Tensor.FromArray([0f, -0f, 1e-30f], 3).RequireGrad();
        Tensor.Sum(new Relu().Apply(x)).Backward();
        Assert.Equal([0f, 0f, 1f], x.Grad!.Data);
    }

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void VectorisedKernelsAgreeWithTheScalarFormulaOnEveryLane(string name)
    {
        // 100 elements: full 512-, 256- and 128-bit blocks and a scalar tail.
        var activation = Activation.Get(name);
        var x = GradientCheck.Random(3, -4, 4, 100).Data;
        var dy = GradientCheck.Random(4, -1, 1, 100).Data;
        var y = new float[100];
        var dx = new float[100];
        activation.Forward(x, y, 100);
        activation.Backward(x, y, dy, dx, 100);
        for (int i = 0; i < 100; i++)
        {
            double v = x[i];
            (double value, double slope) = name switch
            {
                "relu" => (Math.Max(v, 0), v > 0 ? 1.0 : 0.0),
                "sigmoid" => (1 / (1 + Math.Exp(-v)), Math.Exp(-v) / Math.Pow(1 + Math.Exp(-v), 2)),
                _ => (Math.Tanh(v), 1 - Math.Tanh(v) * Math.Tanh(v)),
            };
            Assert.Equal(value, y[i], 1e-5);
            Assert.Equal(slope * dy[i], dx[i], 1e-5);
        }
    }

    [Fact]
    public void SoftmaxKernelWorksRowByRow()
    {
        var x = new float[] { 1, 2, 3, 10, 10, 10 };
        var y = new float[6];
        new Softmax().Forward(x, y, width: 3);
        Assert.Equal(1.0, y[0] + y[1] + y[2], 1e-6);
        Assert.Equal(1f / 3, y[4], 1e-6);
        var dy = new float[] { 1, 0, 0, 0, 0, 0 };
        var dx = new float[6];
        new Softmax().Backward(x, y, dy, dx, width: 3);
        // Row Jacobian-vector product: y ⊙ (dy − Σ dy ⊙ y).
        for (int j = 0; j < 3; j++) Assert.Equal(y[j] * (dy[j] - y[0]), dx[j], 1e-6);
        Assert.Equal([0f, 0f, 0f], dx[3..]);
    }

    [Fact]
    public void SigmoidAndSoftplusStayFiniteForHugeInputs()
    {
        var x = Tensor.FromArray([-1000f, 1000f], 2);
        Assert.Equal([0f, 1f], new Sigmoid().Apply(x).Data);
        Assert.Equal([0f, 1000f], new Softplus().Apply(x).Data);
    }
}
