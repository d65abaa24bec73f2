using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's RMSNormalization (keras/src/layers/normalization/rms_normalization.py; the formula in
/// keras/src/ops/nn.py, _rms_normalization: x·rsqrt(mean(x²) + ε)·scale): values written out, finite differences, Keras's
/// defaults and configs, saving, ONNX export and a model that learns with it.</summary>
public class RMSNormalizationTests
{
    private static RMSNormalization Built(int[] shape, int[]? axis = null, double epsilon = RMSNormalization.DefaultEpsilon)
    {
        var layer = new RMSNormalization(axis, epsilon);
        layer.Build(shape);
        GradientCheck.Random(2, 0.5, 1.5, layer.ScaleWeight.Shape).Data.CopyTo(layer.ScaleWeight.Data, 0);
        return layer;
    }

    [Theory]
    [InlineData(new[] { -1 }, 1)]
    [InlineData(new[] { 1, 2 }, 2)]
    [InlineData(new[] { -2, -1 }, 2)]
    public void EachRowIsScaledByItsReciprocalRootMeanSquare(int[] axis, int trailing)
    {
        var layer = Built([3, 4], axis, epsilon: 0.01);
        var x = GradientCheck.Random(1, -2, 2, 2, 3, 4);
        var y = layer.Call(x, training: false);
        int width = trailing == 1 ? 4 : 12;
        Assert.Equal(width, layer.ScaleWeight.Size);
        for (int row = 0; row < x.Size / width; row++)
        {
            double meanSquare = 0;
            for (int i = 0; i < width; i++) meanSquare += Math.Pow(x.Data[row * width + i], 2) / width;
            for (int i = 0; i < width; i++)
                Assert.Equal(x.Data[row * width + i] / Math.Sqrt(meanSquare + 0.01) * layer.ScaleWeight.Data[i], y.Data[row * width + i], 1e-5);
        }
    }

    [Fact]
    public void MatchesFiniteDifferencesForTheInputAndTheScale()
    {
        var layer = Built([3, 5]);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [GradientCheck.Random(3, -2, 2, 2, 3, 5), layer.ScaleWeight]);
        var both = Built([3, 5], [1, 2], epsilon: 0.1);
        GradientCheck.Check(t => both.Call(t[0], training: true), [GradientCheck.Random(4, -2, 2, 2, 3, 5), both.ScaleWeight]);
    }

    [Fact]
    public void KerasDefaultsAndConfigs()
    {
        // rms_normalization.py: __init__(self, axis=-1, epsilon=1e-6); build adds "scale" with initializer "ones".
        var layer = (RMSNormalization)Layer.Deserialize(Config.Parse("""{"class_name": "RMSNormalization", "config": {"name": "rms"}}"""));
        Assert.Equal([-1], layer.Axis);
        Assert.Equal(1e-6, layer.Epsilon);
        layer.Build([7]);
        Assert.Equal("rms/scale", layer.ScaleWeight.Name);
        Assert.All(layer.ScaleWeight.Data, v => Assert.Equal(1f, v));
        // A built Keras layer writes its axis as a list.
        var keras = (RMSNormalization)Layer.Deserialize(Config.Parse(
            """{"class_name": "RMSNormalization", "config": {"name": "r", "trainable": true, "dtype": "float32", "axis": [-1], "epsilon": 1e-05}}"""));
        Assert.Equal([-1], keras.Axis);
        Assert.Equal(1e-5, keras.Epsilon);
        var again = (RMSNormalization)Layer.Deserialize(Registry<Layer>.Serialize(new RMSNormalization([1, 2], 1e-4, name: "two")));
        Assert.Equal([1, 2], again.Axis);
        Assert.Equal((1e-4, "two"), (again.Epsilon, again.Name));
        Assert.Contains("epsilon", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RMSNormalization", "config": {"epsilon": null}}"""))).Message);
        Assert.Contains("last axes", Assert.Throws<NotSupportedException>(() => new RMSNormalization([1]).Build([3, 4])).Message);
    }

    [Fact]
    public void AModelWithItLearnsSavesLoadsAndExportsToOnnx()
    {
        Utils.SetRandomSeed(5);
        var model = new Sequential(new Dense(16, activation: "relu", inputShape: [6]), new RMSNormalization(), new Dense(1));
        model.Compile("adam", "mse");
        var x = GradientCheck.Random(6, -1, 1, 64, 6);
        var y = new Tensor(64, 1);
        for (int s = 0; s < 64; s++) y.Data[s] = x.Data[s * 6] - 2 * x.Data[s * 6 + 3];
        var history = model.Fit(x, y, epochs: 60, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.3, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("rms.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
        var images = new Sequential(new Conv2D(3, 2, inputShape: [5, 5, 2]), new RMSNormalization([2, 3]));
        images.Layers.OfType<RMSNormalization>().Single().ScaleWeight.Data.AsSpan().Fill(0.7f);
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(images);
    }
}
