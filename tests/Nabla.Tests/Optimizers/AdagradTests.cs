using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

public class AdagradTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/adagrad.py: learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7.
        var adagrad = new Adagrad();
        Assert.Equal(0.001, adagrad.LearningRate);
        Assert.Equal(0.1, adagrad.InitialAccumulatorValue);
        Assert.Equal(1e-7, adagrad.Epsilon);
    }

    [Fact]
    public void OneStep_StartsFromTheInitialAccumulator()
    {
        // acc = 0.1 + g²; w −= 0.001·g / sqrt(acc + 1e-7). g = 0.5: 0.0005/sqrt(0.3500001) = 8.451541e-4.
        float[] w = Run(new Adagrad(), G1);
        AssertClose([0.0991548459f, -0.199046537f, 0.29901227f, -0.4f, 0.499379827f, -0.59900551f], w);
    }

    [Fact]
    public void TwoSteps_AccumulateSquares()
    {
        // Step 2: acc = 0.1 + g1² + g2²; element 3: 0.002/sqrt(4.1000001) = 9.8773e-4.
        float[] w = Run(new Adagrad(), G1, G2);
        AssertClose([0.0982941829f, -0.198616206f, 0.298889735f, -0.40098773f, 0.500345561f, -0.599246787f], w);
    }

    [Fact]
    public void NegativeInitialAccumulator_Throws()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad(initialAccumulatorValue: -0.1));
        Assert.Contains("initial_accumulator_value", error.Message);
    }
}
