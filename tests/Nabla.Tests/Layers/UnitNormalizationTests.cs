using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Onnx;
using Nabla.Tests.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's UnitNormalization (keras/src/layers/normalization/unit_normalization.py: axis −1 by default, the sum of
/// squares floored at 1e-12) and Identity layers.</summary>
public class UnitNormalizationTests
{
    [Fact]
    public void EachSampleGetsUnitNormOverItsAxesAndAZeroSampleStaysZero()
    {
        var x = GradientCheck.Random(1, -2, 2, 3, 4, 5);
        var y = new UnitNormalization([1, 2]).Call(x, training: false);
        for (int b = 0; b < 3; b++)
            Assert.Equal(1.0, y.Data.AsSpan(b * 20, 20).ToArray().Sum(v => (double)v * v), 1e-5);
        var lastAxis = new UnitNormalization().Call(x, training: false);
        Assert.Equal(1.0, lastAxis.Data.AsSpan(5, 5).ToArray().Sum(v => (double)v * v), 1e-5);
        Assert.Equal(new float[4], new UnitNormalization().Call(new Tensor(1, 4), training: false).Data);
        Assert.Contains("must name distinct axes", Assert.Throws<ArgumentException>(() => new UnitNormalization([0]).Call(x, training: false)).Message);
    }

    [Fact]
    public void MatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(2, -1.5, 1.5, 2, 3, 4);
        GradientCheck.Check(t => new UnitNormalization([-1]).Call(t[0], training: true), [x]);
        GradientCheck.Check(t => new UnitNormalization([1, 2]).Call(t[0], training: true), [x]);
    }

    [Fact]
    public void ConfigsCarryKerasDefaultsAndIdentityPassesItsInputAndMaskOn()
    {
        var layer = (UnitNormalization)Layer.Deserialize(Config.Parse("""{"class_name": "UnitNormalization", "config": {"name": "u"}}"""));
        Assert.Equal([-1], layer.Axis);
        var listed = (UnitNormalization)Layer.Deserialize(Config.Parse("""{"class_name": "UnitNormalization", "config": {"name": "v", "axis": [1, 2]}}"""));
        Assert.Equal([1, 2], listed.Axis);
        Assert.Equal(Registry<Layer>.Serialize(listed).ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(Registry<Layer>.Serialize(listed))).ToJsonString());

        var identity = (Identity)Layer.Deserialize(Config.Parse("""{"class_name": "Identity", "config": {"name": "i"}}"""));
        var x = GradientCheck.Random(3, 0, 1, 2, 4);
        x.KerasMask = Tensor.FromArray([1, 0, 1, 1, 1, 1, 0, 0], 2, 4);
        var y = identity.CallWithMask(x, training: false);
        Assert.Same(x, y);
        Assert.Same(x.KerasMask, y.KerasMask);
    }

    [Fact]
    public void IdentityAndTheRandomImageLayersExportToOnnxAsTheIdentityTheyAreInInference()
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(new RandomFlip("horizontal", inputShape: [6, 6, 1]), new RandomRotation(0.1), new RandomContrast(0.2), new RandomBrightness(0.1),
            new Identity(), new Conv2D(2, 3, activation: "relu"), new Flatten(), new Dense(3));
        model.Build([6, 6, 1]);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
        Assert.NotNull(OnnxExport.ToBytes(model));
    }
}
