using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

public class OptimizerBehaviourTests
{
    public static TheoryData<string> Names() => ["adam", "adamw", "sgd", "rmsprop", "adagrad", "nadam"];

    [Fact]
    public void NullGradient_SkipsTheParameter_AndItsStateStartsLater()
    {
        var adam = new Adam();
        var kernel = Kernel();
        var bias = Tensor.FromArray([0.5f, -0.5f, 1f], 3);
        SetGrad(kernel, G1);
        bias.Grad = null;
        adam.Apply([kernel, bias]);
        Assert.Equal([0.5f, -0.5f, 1f], bias.Data);
        Assert.Equal(1, adam.Iterations);

        // Step 2 (t = 2) is the bias's first gradient: its moments start at zero, so m = 0.1·g, v = 0.001·g²,
        // alpha = 0.001·sqrt(1 − 0.999²)/(1 − 0.9²) = 2.3521e-4 and
        // w −= alpha·0.1·g/(sqrt(0.001)·|g| + 1e-7) ≈ 7.4379e-4·sign(g) (a zero gradient would have moved it by 0).
        kernel.Grad = null;
        bias.Grad = Tensor.FromArray([2f, -2f, 0f], 3);
        float[] kernelBefore = kernel.ToArray();
        adam.Apply([kernel, bias]);
        double alpha = 0.001 * Math.Sqrt(1 - 0.999 * 0.999) / (1 - 0.81);
        double step = alpha * 0.1 * 2 / (Math.Sqrt(0.001) * 2 + 1e-7);
        AssertClose([(float)(0.5 - step), (float)(-0.5 + step), 1f], bias.Data);
        Assert.Equal(kernelBefore, kernel.Data);
        Assert.Equal(2, adam.Iterations);
    }

    [Fact]
    public void NoGradientAtAll_Throws_AndEmptyListIsANoOp()
    {
        // Keras: "No gradients provided for any variable."; an empty gradient list is a no-op.
        var sgd = new SGD();
        var kernel = Kernel();
        var error = Assert.Throws<InvalidOperationException>(() => sgd.Apply([kernel]));
        Assert.Contains("dense/kernel", error.Message);
        sgd.Apply([]);
        Assert.Equal(0, sgd.Iterations);
    }

    [Fact]
    public void GradientShapeMismatch_Throws()
    {
        var kernel = Kernel();
        kernel.Grad = Tensor.Zeros(3, 2);
        var error = Assert.Throws<ArgumentException>(() => new Adam().Apply([kernel]));
        Assert.Contains("[2, 3]", error.Message);
        Assert.Contains("[3, 2]", error.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void SteadyStateApply_AllocatesNothing(string name)
    {
        foreach (var optimizer in new[]
                 {
                     Nabla.Optimizers.Optimizer.Get(name),
                     Nabla.Optimizers.Optimizer.Registry.Get(name, new() { ["clipnorm"] = 1.0 }),
                     Nabla.Optimizers.Optimizer.Registry.Get(name, new() { ["global_clipnorm"] = 1.0, ["weight_decay"] = 0.01 }),
                     Nabla.Optimizers.Optimizer.Registry.Get(name, new() { ["clipvalue"] = 0.1 }),
                 })
        {
            var kernel = Tensor.Zeros(784, 128);
            var bias = Tensor.Zeros(131);
            var unused = Tensor.Zeros(7);
            kernel.Grad = Tensor.Full(0.01f, 784, 128);
            bias.Grad = Tensor.Full(-0.02f, 131);
            Tensor[] parameters = [kernel, bias, unused];
            optimizer.Apply(parameters);      // creates the state
            // The runtime's tiered JIT may allocate while it recompiles hot methods during the first windows;
            // a real per-step allocation would show in every window, so require one clean window out of ten.
            long allocated = long.MaxValue;
            for (int window = 0; window < 10 && allocated != 0; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 20; i++) optimizer.Apply(parameters);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            Assert.True(allocated == 0, $"{optimizer}: {allocated} bytes allocated in 20 steady-state steps.");
        }
    }

    [Fact]
    public void LearningRate_IsSettable_AndValidated()
    {
        var adam = new Adam(learningRate: 0.01);
        adam.LearningRate = 0.001;          // what ReduceLROnPlateau does
        Assert.Equal(0.001, adam.CurrentLearningRate);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = -0.1);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = double.NaN);
        Assert.Equal(0.001, adam.LearningRate);
    }

    [Fact]
    public void Validation_NamesTheArgument()
    {
        Assert.Contains("learning_rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(learningRate: -0.001)).Message);
        Assert.Contains("beta_1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1.0)).Message);
        Assert.Contains("beta_2", Assert.Throws<ArgumentOutOfRangeException>(() => new Nadam(beta2: -0.1)).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: -1e-7)).Message);
        Assert.Contains("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(rho: 1.5)).Message);
        Assert.Contains("weight_decay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -0.1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam().Iterations = -1);
    }

    [Fact]
    public void WeightDecay_WorksOnAnyOptimizer()
    {
        // Keras's generic weight_decay: SGD(lr 0.1, weight_decay 0.5): w = w − w·0.5·0.1, then w −= 0.1·g.
        // Element 0: 0.1·0.95 − 0.05 = 0.045.
        float[] w = Run(new SGD(learningRate: 0.1, weightDecay: 0.5), G1);
        AssertClose(W0.Zip(G1, (a, g) => a * 0.95f - 0.1f * g).ToArray(), w);
        Assert.Equal(0.045f, w[0], 1e-6);
    }
}
