using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's ELU and PReLU layers (keras/src/layers/activations/elu.py and prelu.py).</summary>
public class ParametricActivationLayerTests
{
    [Fact]
    public void EluDefaultsToAlphaOneAndReadsItsConfig()
    {
        // elu.py: ELU(alpha=1.0).
        Assert.Equal(1.0, new ELU().Alpha);
        var layer = (ELU)Layer.Deserialize(Config.Parse("""{"class_name": "ELU", "config": {"alpha": 0.5}}"""));
        var y = layer.Call(Tensor.FromArray([2f, -1f], 1, 2), false);
        Assert.Equal(2f, y.Data[0]);
        Assert.Equal(0.5 * (Math.Exp(-1) - 1), y.Data[1], 1e-6);
    }

    [Fact]
    public void PReLUStartsAsAReluAndLearnsOneSlopePerValueOrSharedAxis()
    {
        // prelu.py: alpha_initializer="Zeros", one alpha per value of the sample, 1 along the shared axes.
        var layer = new PReLU();
        layer.Build([2, 3]);
        Assert.Equal([2, 3], layer.Alpha.Shape);
        Assert.All(layer.Alpha.Data, a => Assert.Equal(0f, a));
        var shared = new PReLU(sharedAxes: [1, 2]);
        shared.Build([2, 1, 3]);
        Assert.Equal([1, 1, 3], shared.Alpha.Shape);
        shared.Alpha.Data[0] = 0.1f;
        shared.Alpha.Data[2] = 0.5f;
        var y = shared.Call(Tensor.FromArray([-2f, -2f, 3f, -4f, 1f, -6f], 1, 2, 1, 3), false);
        Assert.Equal([-0.2f, 0f, 3f, -0.4f, 1f, -3f], y.Data);
    }

    [Fact]
    public void PReLUMatchesFiniteDifferencesForInputAndAlpha()
    {
        var layer = new PReLU(Nabla.Initializers.Initializer.Get("ones"), sharedAxes: [1]);
        layer.Build([3, 4]);
        GradientCheck.Random(1, -0.5, 0.5, 1, 4).Data.CopyTo(layer.Alpha.Data, 0);
        // Inputs kept away from 0, where the slope jumps.
        var x = GradientCheck.Random(2, 0.2, 1, 2, 3, 4);
        for (int i = 0; i < x.Size; i += 2) x.Data[i] = -x.Data[i];
        GradientCheck.Check(t => layer.Call(t[0], training: true), [x, layer.Alpha]);
    }

    [Fact]
    public void PReLUConfigsRoundTripAndReadTheirConstraint()
    {
        var layer = new PReLU(sharedAxes: [1, 2], inputShape: [5, 5, 2], name: "p");
        var rebuilt = (PReLU)Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
        Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
        Assert.Equal([1, 2], rebuilt.SharedAxes);
        var constrained = (PReLU)Layer.Deserialize(Config.Parse(
            """{"class_name": "PReLU", "config": {"name": "q", "alpha_constraint": "non_neg"}}"""));
        Assert.IsType<Nabla.Constraints.NonNeg>(constrained.AlphaConstraint);
    }
}
