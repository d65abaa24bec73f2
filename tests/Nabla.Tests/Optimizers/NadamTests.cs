using Nabla.Optimizers;
using static Nabla.Tests.Optimizers.OptimizerTestSupport;

namespace Nabla.Tests.Optimizers;

public class NadamTests
{
    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/nadam.py: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="nadam".
        var nadam = new Nadam();
        Assert.Equal(0.001, nadam.LearningRate);
        Assert.Equal(0.9, nadam.Beta1);
        Assert.Equal(0.999, nadam.Beta2);
        Assert.Equal(1e-7, nadam.Epsilon);
        Assert.Equal("nadam", nadam.Name);
    }

    [Fact]
    public void OneStep_UsesTheMomentumCache()
    {
        // t = 1: u1 = 0.9·(1 − 0.5·0.96) = 0.468, u2 = 0.9·(1 − 0.5·0.96²) = 0.48528, Π1 = 0.468.
        // m = 0.1·g, v = 0.001·g²; m̂ = 0.48528·0.1·g/(1 − 0.468·0.48528) + (1 − 0.468)·g/(1 − 0.468) = 1.0627878·g;
        // v̂ = g²; w −= 0.001·1.0627878·g/(|g| + 1e-7) ≈ 1.0627878e-3·sign(g).
        float[] w = Run(new Nadam(), G1);
        AssertClose([0.0989372124f, -0.198937212f, 0.298937212f, -0.4f, 0.498937213f, -0.598937212f], w);
    }

    [Fact]
    public void TwoSteps_CarryTheMomentumProduct()
    {
        // Step 2: u3 = 0.9·(1 − 0.5·0.96³), Π2 = u1·u2 = 0.22711104,
        // m̂ = u3·m/(1 − Π2·u3) + (1 − u2)·g2/(1 − Π2), v̂ = v/(1 − 0.999²).
        float[] w = Run(new Nadam(), G1, G2);
        AssertClose([0.0979910729f, -0.198415631f, 0.298738872f, -0.401021672f, 0.499933148f, -0.599115163f], w);
    }

    [Fact]
    public void SettingIterations_RebuildsTheMomentumProduct()
    {
        // A fresh parameter (zero moments) at step t moves by an amount that depends only on Π_t, u_t, u_{t+1}, t.
        // Optimizer A really applies 5 steps; optimizer B applies 1 and is then told Iterations = 5 (as when
        // resuming). Both must then move a fresh parameter identically, so B rebuilt Π6 = u1·…·u6.
        var a = new Nadam();
        var b = new Nadam();
        var dummyA = Kernel();
        for (int i = 0; i < 5; i++) { SetGrad(dummyA, G2); a.Apply([dummyA]); }
        var dummyB = Kernel();
        SetGrad(dummyB, G2);
        b.Apply([dummyB]);
        b.Iterations = 5;

        var freshA = Kernel();
        var freshB = Kernel();
        SetGrad(freshA, G1);
        SetGrad(freshB, G1);
        a.Apply([freshA]);
        b.Apply([freshB]);
        Assert.Equal(freshA.Data, freshB.Data);
        Assert.NotEqual(W0, freshA.Data);
    }
}
