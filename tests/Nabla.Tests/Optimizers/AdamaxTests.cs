using Nabla.Configuration;
using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

/// <summary>Adamax against keras/src/optimizers/adamax.py: m += (g − m)(1 − β1), u = max(β2·u, |g|),
/// w −= lr·m / ((1 − β1^t)(u + ε)).</summary>
public class AdamaxTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/adamax.py: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="adamax".
        var adamax = new Adamax();
        Assert.Equal(0.001, adamax.LearningRate);
        Assert.Equal(0.9, adamax.Beta1);
        Assert.Equal(0.999, adamax.Beta2);
        Assert.Equal(1e-7, adamax.Epsilon);
        Assert.Equal("adamax", adamax.Name);
    }

    [Fact]
    public void OneStep_MovesEachWeightByTheLearningRate()
    {
        // t = 1: m = 0.1·g, u = |g|, w −= 0.001·0.1·g / (0.1·(|g| + 1e-7)) ≈ 0.001·sign(g); g = 0 moves nothing.
        AssertClose([0.099f, -0.199f, 0.299f, -0.4f, 0.499f, -0.599f], Run(new Adamax(), G1));
    }

    [Fact]
    public void TwoSteps_CarryTheMomentumAndTheNorm()
    {
        // Element 1: m = 0.1·(−1) = −0.1, u = 1; then m = −0.1 + (−0.5 + 0.1)·0.1 = −0.14, u = max(0.999, 0.5) = 0.999,
        // w = −0.199 + 0.001·0.14 / ((1 − 0.81)·(0.999 + 1e-7)) = −0.19826242.
        AssertClose([0.0982368424f, -0.19826242f, 0.298459986f, -0.400526316f, 0.499447369f, -0.598657552f],
            Run(new Adamax(), G1, G2));
    }

    [Fact]
    public void ThreeSteps_NormDecaysBelowAnEarlierPeak()
    {
        // Element 5: u = 3, then max(0.999·3, 0.75) = 2.997, then 2.994003: the peak decays by β2 per step.
        AssertClose([0.097386289f, -0.197611673f, 0.298072681f, -0.401227423f, 0.50009866f, -0.598533688f],
            Run(new Adamax(), G1, G2, G2));
    }

    [Fact]
    public void State_IsMomentumAndNorm()
    {
        var adamax = new Adamax();
        var kernel = Kernel();
        SetGrad(kernel, G1);
        adamax.Apply([kernel]);
        var state = adamax.SavedState(kernel).ToDictionary(s => s.Name, s => s.Values);
        AssertClose(Scaled(G1, 0.1f), state["momentum"]);
        AssertClose(G1.Select(MathF.Abs).ToArray(), state["norm"]);
        // The norm is a running max of |g|: a negative value cannot be loaded.
        Assert.Throws<ArgumentException>(() => adamax.RestoreState(kernel, "norm", [1, 1, 1, -1, 1, 1]));
    }

    [Fact]
    public void KerasConfig_Loads()
    {
        // keras/src/optimizers/adamax.py get_config: the base optimizer's keys, then beta_1, beta_2, epsilon.
        var adamax = Assert.IsType<Adamax>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse("""
            {"class_name": "Adamax", "config": {"name": "adamax", "learning_rate": 0.002, "weight_decay": null,
             "clipnorm": null, "global_clipnorm": null, "clipvalue": 0.5, "use_ema": false, "ema_momentum": 0.99,
             "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
             "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-06}}
            """)));
        Assert.Equal((0.002, 0.8, 0.99, 1e-6, 0.5), (adamax.LearningRate, adamax.Beta1, adamax.Beta2, adamax.Epsilon, adamax.ClipValue));
        Assert.Equal(0.9, ((Adamax)Nabla.Optimizers.Optimizer.Get("adamax")).Beta1);
    }

    [Fact]
    public void Validation_NamesTheArgument()
    {
        Assert.Contains("beta_1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(beta1: 1.0)).Message);
        Assert.Contains("beta_2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(beta2: -0.1)).Message);
        Assert.Contains("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adamax(epsilon: -1)).Message);
    }
}
