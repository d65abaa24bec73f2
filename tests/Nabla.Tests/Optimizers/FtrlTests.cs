using Nabla.Configuration;
using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

/// <summary>Ftrl against keras/src/optimizers/ftrl.py update_step (expected values computed from that formula in
/// float64; torch has no FTRL).</summary>
public class FtrlTests
{
    private static (float[] W, float[] Linear, float[] Accumulator) Steps(Ftrl ftrl, params float[][] gradients)
    {
        var kernel = Kernel();
        foreach (var g in gradients) { SetGrad(kernel, g); ftrl.Apply([kernel]); }
        var state = ftrl.SavedState(kernel).ToDictionary(s => s.Name, s => s.Values);
        return (kernel.Data, state["linear"], state["accumulator"]);
    }

    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/ftrl.py: learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
        // l1/l2/l2_shrinkage_regularization_strength=0.0, beta=0.0, name="ftrl".
        var ftrl = new Ftrl();
        Assert.Equal((0.001, -0.5, 0.1, 0.0, 0.0, 0.0, 0.0, "ftrl"), (ftrl.LearningRate, ftrl.LearningRatePower,
            ftrl.InitialAccumulatorValue, ftrl.L1RegularizationStrength, ftrl.L2RegularizationStrength,
            ftrl.L2ShrinkageRegularizationStrength, ftrl.Beta, ftrl.Name));
    }

    [Fact]
    public void OneStep_SetsTheWeightFromTheLinearTerm()
    {
        // Element 0: n' = 0.1 + 0.25 = 0.35; linear = 0.5 − (√0.35 − √0.1)/0.001·0.1 = −27.0380212;
        // w = (clip(linear, 0, 0) − linear)/(√0.35/0.001) = 0.0457025974. Element 3 (g = 0): linear 0, so w = 0.
        var (w, linear, accumulator) = Steps(new Ftrl(), G1);
        AssertClose([0.0457025974f, -0.138744268f, 0.252160142f, 0f, 0.107147556f, -0.536108419f], w);
        AssertClose([-27.0380212f, 145.516216f, -510.585372f, 0f, -43.1925607f, 1617.23572f], linear, 2e-4);
        AssertClose([0.35f, 1.1f, 4.1f, 0.1f, 0.1625f, 9.1f], accumulator);
    }

    [Fact]
    public void TwoSteps_CarryTheAccumulatorAndLinear()
    {
        var (w, linear, _) = Steps(new Ftrl(), G1, G2);
        AssertClose([0.0448419344f, -0.138313937f, 0.252037606f, -0.000987729597f, 0.10811329f, -0.536349697f], w);
        AssertClose([-52.1016195f, 160.706272f, -514.21231f, 2f, -167.92399f, 1667.21954f], linear, 2e-4);
    }

    [Fact]
    public void EveryRegularization_AndAGeneralPower()
    {
        // lr 0.1, power −0.3 (the exp·log path), l1 0.05, l2 0.01 plus beta 0.5 (l2 + beta/(2·lr) = 2.51), shrinkage 0.02.
        var ftrl = new Ftrl(0.1, learningRatePower: -0.3, l1RegularizationStrength: 0.05, l2RegularizationStrength: 0.01,
            l2ShrinkageRegularizationStrength: 0.02, beta: 0.5);
        var (w, linear, _) = Steps(ftrl, G1, G2);
        AssertClose([-0.0808973244f, 0.0252074161f, 0.0376668562f, -0.0953185315f, 0.089856162f, -0.257488658f], w);
        AssertClose([1.34129006f, -0.452362948f, -0.8168718f, 1.984f, -1.67135329f, 6.42752278f], linear, 1e-5);
    }

    [Fact]
    public void PowerZero_IsAFixedRate_AndL1ClipsToZeroWithinItsStrength()
    {
        // Power 0: n^0 = 1, so linear = Σg and w = (clip(linear, −0.3, 0.3) − linear)·lr, accumulator from 0.
        var (w, linear, accumulator) = Steps(new Ftrl(0.1, learningRatePower: 0, initialAccumulatorValue: 0,
            l1RegularizationStrength: 0.3), G1, G2);
        AssertClose([-0.12f, 0.12f, -0.195f, -0.17f, 0.095f, 0.195f], w);
        AssertClose([1.5f, -1.5f, 2.25f, 2f, -1.25f, -2.25f], linear);
        AssertClose([1.25f, 1.25f, 4.0625f, 4f, 2.3125f, 9.5625f], accumulator);
    }

    [Fact]
    public void KerasConfig_Loads_AndRoundTrips()
    {
        // keras/src/optimizers/ftrl.py get_config: the base optimizer's keys, then its six own.
        var ftrl = Assert.IsType<Ftrl>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse("""
            {"class_name": "Ftrl", "config": {"name": "ftrl", "learning_rate": 0.05, "weight_decay": null,
             "clipnorm": null, "global_clipnorm": null, "clipvalue": null, "use_ema": false, "ema_momentum": 0.99,
             "ema_overwrite_frequency": null, "loss_scale_factor": null, "gradient_accumulation_steps": null,
             "learning_rate_power": -0.25, "initial_accumulator_value": 0.2, "l1_regularization_strength": 0.01,
             "l2_regularization_strength": 0.02, "l2_shrinkage_regularization_strength": 0.03, "beta": 0.1}}
            """)));
        Assert.Equal((0.05, -0.25, 0.2, 0.01, 0.02, 0.03, 0.1), (ftrl.LearningRate, ftrl.LearningRatePower,
            ftrl.InitialAccumulatorValue, ftrl.L1RegularizationStrength, ftrl.L2RegularizationStrength,
            ftrl.L2ShrinkageRegularizationStrength, ftrl.Beta));
        var again = Nabla.Optimizers.Optimizer.Deserialize(Config.Parse(Nabla.Optimizers.Optimizer.Serialize(ftrl).ToJsonString()));
        Assert.Equal(ftrl.GetConfig().ToJsonString(), again.GetConfig().ToJsonString());
    }

    [Fact]
    public void Validation_FollowsKeras()
    {
        // ftrl.py: learning_rate_power <= 0; initial_accumulator_value and the strengths >= 0.
        Assert.Contains("learning_rate_power", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(learningRatePower: 0.5)).Message);
        Assert.Contains("initial_accumulator_value", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(initialAccumulatorValue: -1)).Message);
        Assert.Contains("l1_regularization_strength", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(l1RegularizationStrength: -1)).Message);
        Assert.Contains("l2_regularization_strength", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(l2RegularizationStrength: -1)).Message);
        Assert.Contains("l2_shrinkage_regularization_strength", Assert.Throws<ArgumentOutOfRangeException>(() => new Ftrl(l2ShrinkageRegularizationStrength: -1)).Message);
    }
}
