using Nabla.Configuration;
using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

/// <summary>Lion against keras/src/optimizers/lion.py: w −= lr·sign(β1·m + (1 − β1)·g), then m = β2·m + (1 − β2)·g.
/// PyTorch has no Lion, so these hand-computed steps are its reference.</summary>
public class LionTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/lion.py: learning_rate=0.001, beta_1=0.9, beta_2=0.99, name="lion".
        var lion = new Lion();
        Assert.Equal(0.001, lion.LearningRate);
        Assert.Equal(0.9, lion.Beta1);
        Assert.Equal(0.99, lion.Beta2);
        Assert.Equal("lion", lion.Name);
    }

    [Fact]
    public void OneStep_MovesBySignOfTheGradient()
    {
        // m = 0, so the step is −lr·sign(g); sign(0) = 0 leaves element 3 alone. Then m = 0.01·g.
        var lion = new Lion();
        var kernel = Kernel();
        SetGrad(kernel, G1);
        lion.Apply([kernel]);
        AssertClose([0.099f, -0.199f, 0.299f, -0.4f, 0.499f, -0.599f], kernel.Data);
        AssertClose(Scaled(G1, 0.01f), lion.SavedState(kernel).Single(s => s.Name == "momentum").Values);
    }

    [Fact]
    public void TwoSteps_UpdateMomentumWithBeta2()
    {
        // Step 2's direction sign(0.009·g1 + 0.1·g2) is g2's sign everywhere; m = 0.99·0.01·g1 + 0.01·g2.
        var lion = new Lion();
        var kernel = Kernel();
        foreach (var g in new[] { G1, G2 }) { SetGrad(kernel, g); lion.Apply([kernel]); }
        AssertClose([0.098f, -0.198f, 0.298f, -0.401f, 0.5f, -0.6f], kernel.Data);
        AssertClose([0.01495f, -0.0149f, 0.0223f, 0.02f, -0.012525f, -0.0222f],
            lion.SavedState(kernel).Single(s => s.Name == "momentum").Values);
    }

    [Fact]
    public void MomentumCanOutweighTheGradient_WithWeightDecay()
    {
        // beta_1 0.99, lr 0.01, weight_decay 0.1 (w −= w·0.1·0.01 first). Step 2, element 5:
        // 0.99·(0.01·−3) + 0.01·0.75 = −0.0222 < 0, so the weight moves up against its positive gradient.
        float[] w = Run(new Lion(0.01, beta1: 0.99, weightDecay: 0.1), G1, G2);
        AssertClose([0.0798101f, -0.1796102f, 0.2794103f, -0.4092004f, 0.4990105f, -0.5788106f], w);
    }

    [Fact]
    public void NaNGradient_GivesNaNWeights()
    {
        // sign(NaN) is NaN (TensorFlow's sign), so a NaN gradient is not silently a zero step.
        var kernel = Kernel();
        SetGrad(kernel, [float.NaN, 1, 1, 1, 1, 1]);
        new Lion().Apply([kernel]);
        Assert.True(float.IsNaN(kernel.Data[0]));
    }

    [Fact]
    public void KerasConfig_Loads()
    {
        // keras/src/optimizers/lion.py get_config: the base optimizer's keys, then beta_1 and beta_2.
        var lion = Assert.IsType<Lion>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse("""
            {"class_name": "Lion", "config": {"name": "lion", "learning_rate": 0.0003, "weight_decay": 0.01,
             "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99,
             "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
             "beta_1": 0.95, "beta_2": 0.98}}
            """)));
        Assert.Equal((0.0003, 0.95, 0.98, (double?)0.01), (lion.LearningRate, lion.Beta1, lion.Beta2, lion.WeightDecay));
        Assert.IsType<Lion>(Nabla.Optimizers.Optimizer.Get("lion"));
    }

    [Fact]
    public void Beta1_MustBeInZeroOne_AsKerasChecks()
    {
        // lion.py raises for beta_1 <= 0 or > 1 ("the optimizer degenerates to SignSGD"); 1 is allowed.
        Assert.Contains("beta_1", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta1: 0)).Message);
        Assert.Contains("beta_1", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta1: 1.5)).Message);
        Assert.Equal(1.0, new Lion(beta1: 1.0).Beta1);
        Assert.Contains("beta_2", Assert.Throws<ArgumentOutOfRangeException>(() => new Lion(beta2: 1.5)).Message);
    }
}
