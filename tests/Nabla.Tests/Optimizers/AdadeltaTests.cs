using Nabla.Configuration;
using Nabla.Optimizers;

namespace Nabla.Tests.Optimizers;

public class AdadeltaTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/adadelta.py, Adadelta.__init__: learning_rate=0.001, rho=0.95, epsilon=1e-7,
        // name="adadelta".
        var adadelta = new Adadelta();
        Assert.Equal(0.001, adadelta.LearningRate);
        Assert.Equal(0.95, adadelta.Rho);
        Assert.Equal(1e-7, adadelta.Epsilon);
        Assert.Equal("adadelta", adadelta.Name);
        Assert.Equal("Adadelta", adadelta.ClassName);
    }

    [Fact]
    public void State_IsKerasTwoAccumulatorsInBuildOrder()
    {
        // Keras's build adds "accumulated_grad" for every variable, then "accumulated_delta_var" for every variable.
        var adadelta = new Adadelta();
        Assert.Equal(new[] { "accumulated_grad", "accumulated_delta_var" },
            adadelta.KerasVariableGroups.Select(g => Assert.Single(g)).ToArray());
    }

    [Theory]
    [InlineData("adadelta")]
    [InlineData("Adadelta")]
    public void Registry_ResolvesTheName(string name)
    {
        var byName = Assert.IsType<Adadelta>(Nabla.Optimizers.Optimizer.Get(name));
        Assert.Equal(0.95, byName.Rho);
        Assert.IsType<Adadelta>(Nabla.Optimizers.Optimizer.Deserialize(name));
    }

    [Fact]
    public void GetConfig_FromConfig_RoundTrip()
    {
        var adadelta = new Adadelta(learningRate: 1.0, rho: 0.9, epsilon: 1e-6, clipNorm: 2.0, name: "my_adadelta");
        var config = adadelta.GetConfig();
        Assert.Equal(0.9, config["rho"]);
        Assert.Equal(1e-6, config["epsilon"]);
        string json = Nabla.Optimizers.Optimizer.Serialize(adadelta).ToJsonString();
        var rebuilt = Assert.IsType<Adadelta>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse(json)));
        Assert.Equal(config.ToJsonString(), rebuilt.GetConfig().ToJsonString());
        Assert.Equal(2.0, rebuilt.ClipNorm);
    }

    [Fact]
    public void Deserialize_KerasConfig()
    {
        // The shape of what Keras 3 writes for keras.optimizers.Adadelta(learning_rate=1.0): the base optimizer's
        // keys, then "rho" and "epsilon".
        const string json = """
            {"module": "keras.optimizers", "class_name": "Adadelta", "config": {"name": "adadelta",
             "learning_rate": 1.0, "weight_decay": null, "clipnorm": null, "global_clipnorm": null,
             "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
             "loss_scale_factor": null, "gradient_accumulation_steps": null, "rho": 0.95, "epsilon": 1e-07},
             "registered_name": null}
            """;
        var adadelta = Assert.IsType<Adadelta>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse(json)));
        Assert.Equal(1.0, adadelta.LearningRate);
        Assert.Equal(0.95, adadelta.Rho);
        Assert.Equal(1e-7, adadelta.Epsilon);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    public void InvalidRho_Throws(double rho) =>
        Assert.Contains("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new Adadelta(rho: rho)).Message);

    [Theory]
    [InlineData(-1e-7)]
    [InlineData(0.0)] // the delta accumulator would stay 0: no step, and 0/0 for a zero gradient
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void InvalidEpsilon_Throws(double epsilon) =>
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adadelta(epsilon: epsilon)).Message);

    [Fact]
    public void InvalidRhoInAConfig_Throws()
    {
        var config = new Adadelta().GetConfig();
        config["rho"] = 1.2;
        Assert.Throws<ArgumentOutOfRangeException>(() => Adadelta.FromConfig(config));
    }

    [Theory]
    [InlineData(0.001, 0.95, 1e-7)]  // Keras's defaults
    [InlineData(1.0, 0.9, 1e-6)]     // the paper's learning rate 1.0, torch's rho and eps
    public void Steps_MatchTheFormulaInDouble(double lr, double rho, double epsilon)
    {
        // 37 = 2·16 + 4 + 1 elements: the 16-, 8- or 4-wide loops and the scalar tail all run (whichever the CPU has).
        const int Length = 37, Steps = 4;
        var rng = new RandomGenerator(5);
        var w0 = new double[Length];
        for (int i = 0; i < Length; i++) w0[i] = rng.Uniform(-1, 1);
        var grads = new double[Steps][];
        for (int t = 0; t < Steps; t++)
        {
            grads[t] = new double[Length];
            for (int i = 0; i < Length; i++) grads[t][i] = rng.NextNormal() * (t + 1) * 0.5;
            grads[t][3] = 0;             // a zero gradient: the step is 0, the accumulators only decay
            grads[t][36] = 1e-4 * (t + 1); // small against epsilon in the tail
        }

        var parameter = Tensor.FromArray(w0.Select(v => (float)v).ToArray(), Length);
        var adadelta = new Adadelta(lr, rho, epsilon);
        var expected = w0.Select(v => (double)(float)v).ToArray();
        var accGrad = new double[Length];
        var accDelta = new double[Length];
        for (int t = 0; t < Steps; t++)
        {
            parameter.Grad = Tensor.FromArray(grads[t].Select(v => (float)v).ToArray(), Length);
            adadelta.Apply([parameter]);
            for (int i = 0; i < Length; i++)
            {
                double g = (float)grads[t][i];
                accGrad[i] = rho * accGrad[i] + (1 - rho) * g * g;
                double delta = -Math.Sqrt(accDelta[i] + epsilon) / Math.Sqrt(accGrad[i] + epsilon) * g;
                accDelta[i] = rho * accDelta[i] + (1 - rho) * delta * delta;
                expected[i] += lr * delta;
            }
            AssertSteps(w0, expected, parameter.Data, $"step {t + 1}");
            AssertClose(accGrad, adadelta.StateArray(parameter, "accumulated_grad"), $"accumulated_grad, step {t + 1}");
            AssertClose(accDelta, adadelta.StateArray(parameter, "accumulated_delta_var"), $"accumulated_delta_var, step {t + 1}");
        }
        Assert.Equal((float)w0[3], parameter.Data[3]);
    }

    /// <summary>The float32 weight's change from the start equals the double reference's within 1e-5 of the change
    /// plus 4 ulps of the weight (float32 rounds the weight once per step, 4 steps).</summary>
    private static void AssertSteps(double[] start, double[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            double change = expected[i] - (float)start[i];
            float now = actual[i];
            double ulp = MathF.BitIncrement(MathF.Abs(now)) - MathF.Abs(now);
            double allowed = 1e-5 * Math.Abs(change) + 4 * ulp;
            Assert.True(Math.Abs((now - (float)start[i]) - change) <= allowed,
                $"{what}, element {i}: change {now - (float)start[i]:R}, formula {change:R} (allowed {allowed:G3}).");
        }
    }

    private static void AssertClose(double[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Abs(expected[i]) + 1e-30,
                $"{what}, element {i}: expected {expected[i]:R}, got {actual[i]:R}.");
    }
}
