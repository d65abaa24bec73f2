using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

public class AdamTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/adam.py: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
        // amsgrad=False, name="adam".
        var adam = new Adam();
        Assert.Equal(0.001, adam.LearningRate);
        Assert.Equal(0.9, adam.Beta1);
        Assert.Equal(0.999, adam.Beta2);
        Assert.Equal(1e-7, adam.Epsilon);
        Assert.False(adam.Amsgrad);
        Assert.Null(adam.WeightDecay);
        Assert.Equal("adam", adam.Name);
        Assert.Equal(0, adam.Iterations);
    }

    [Fact]
    public void OneStep_MatchesKerasFormula()
    {
        // t = 1: alpha = 0.001·sqrt(1 − 0.999)/(1 − 0.9) = 3.16227766e-4; m = 0.1·g; v = 0.001·g².
        // w −= alpha·0.1·g / (sqrt(0.001)·|g| + 1e-7) = 0.001·sign(g)·|g| / (|g| + 3.16227766e-6).
        // g = 0.5: 0.001·0.5/0.500003162 = 9.9999368e-4, so w = 0.1 − 9.9999368e-4 = 0.0990000063.
        // g = 0: m = 0, so that weight does not move.
        var adam = new Adam();
        float[] w = Run(adam, G1);
        AssertClose([0.0990000063f, -0.199000003f, 0.299000002f, -0.4f, 0.499000013f, -0.599000001f], w);
        Assert.Equal(1, adam.Iterations);
    }

    [Fact]
    public void Amsgrad_KeepsTheLargestVelocity()
    {
        // beta_2 = 0.5 makes v shrink quickly. Step 1: m = 0.1·g1, v = 0.5·g1², v̂ = v.
        // Step 2 with g2' = 0.1·G2: v = 0.25·g1² + 0.5·g2'², smaller than 0.5·g1² wherever g1 ≠ 0, so
        // amsgrad divides by sqrt(v̂) = sqrt(0.5·g1²) and steps less than plain Adam.
        // alpha_2 = 0.001·sqrt(1 − 0.25)/(1 − 0.81) = 4.5580e-3, m = 0.09·g1 + 0.1·g2'.
        float[] g2 = Scaled(G2, 0.1f);
        float[] withAmsgrad = Run(new Adam(beta2: 0.5, amsgrad: true), G1, g2);
        float[] plain = Run(new Adam(beta2: 0.5), G1, g2);
        AssertClose([0.0982909377f, -0.198387628f, 0.2984118f, -0.400644602f, 0.49880662f, -0.598435973f], withAmsgrad);
        AssertClose([0.0980350884f, -0.198136132f, 0.29816829f, -0.400644602f, 0.498791473f, -0.598202843f], plain);
    }

    [Fact]
    public void AdamW_Defaults_AreKeras3()
    {
        // keras/src/optimizers/adamw.py: learning_rate=0.001, weight_decay=0.004, Adam's betas/epsilon, name="adamw".
        var adamw = new AdamW();
        Assert.Equal(0.004, adamw.WeightDecay);
        Assert.Equal(0.001, adamw.LearningRate);
        Assert.Equal(0.9, adamw.Beta1);
        Assert.Equal(0.999, adamw.Beta2);
        Assert.Equal(1e-7, adamw.Epsilon);
        Assert.Equal("adamw", adamw.Name);
        Assert.Equal("AdamW", adamw.ClassName);
    }

    [Fact]
    public void AdamW_OneStep_DecaysBeforeTheAdamUpdate()
    {
        // Keras base_optimizer._apply_weight_decay: w = w − w·0.004·0.001 = w·(1 − 4e-6), then the Adam step above.
        // 0.1·(1 − 4e-6) − 9.9999368e-4 = 0.0989996063.
        float[] w = Run(new AdamW(), G1);
        AssertClose([0.0989996063f, -0.198999203f, 0.298998802f, -0.3999984f, 0.498998013f, -0.598997601f], w);
    }

    [Fact]
    public void AdamW_RequiresWeightDecayInConfig()
    {
        // Keras AdamW: "Argument `weight_decay` must be a float. Received: weight_decay=None".
        var config = new AdamW().GetConfig();
        config["weight_decay"] = null;
        var error = Assert.Throws<ArgumentException>(() => AdamW.FromConfig(config));
        Assert.Contains("weight_decay", error.Message);
    }
}
