using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Layers;

/// <summary>Conv3D, MaxPooling3D, AveragePooling3D and the 3-D global poolings as layers: Keras's parameter counts,
/// kernel layout and fans, output shapes, saving and loading, ONNX export, and a small volume task learned.</summary>
public class Conv3DLayerTests
{
    [Fact]
    public void ParameterCountsAndOutputShapesAreKeras()
    {
        // Keras: Conv3D(8, 3) on one channel has 3*3*3*1*8 + 8 = 224 parameters; "valid" 3x3x3 takes 2 off each axis.
        var model = new Sequential(
            new Conv3D(8, 3, activation: "relu", inputShape: [10, 12, 14, 1]),
            new MaxPooling3D(),
            new Conv3D(4, (1, 3, 2), strides: (1, 2, 1), padding: "same"),
            new AveragePooling3D(2, padding: "same"),
            new GlobalAveragePooling3D(),
            new Dense(2));
        Assert.Equal(224, model.Layers[0].CountParams());
        Assert.Equal([8, 10, 12, 8], model.Layers[0].OutputShape!);
        Assert.Equal([4, 5, 6, 8], model.Layers[1].OutputShape!);
        Assert.Equal([4, 3, 6, 4], model.Layers[2].OutputShape!);
        Assert.Equal(1 * 3 * 2 * 8 * 4 + 4, model.Layers[2].CountParams());
        Assert.Equal([2, 2, 3, 4], model.Layers[3].OutputShape!);
        Assert.Equal([4], model.Layers[4].OutputShape!);
        string summary = model.Summary(TextWriter.Null);
        Assert.Contains("(None, 8, 10, 12, 8)", summary);
        Assert.Contains("224", summary);
        Assert.Equal([1, 1, 1, 4], new GlobalMaxPooling3D(keepdims: true).ComputeOutputShape([2, 3, 4, 4]));
    }

    [Fact]
    public void TheKernelIsKerasLayoutWithKerasFans()
    {
        Utils.SetRandomSeed(1);
        var conv = new Conv3D(8, 3, inputShape: [6, 6, 6, 2]);
        conv.Build([6, 6, 6, 2]);
        Assert.Equal([3, 3, 3, 2, 8], conv.Kernel.Shape);
        var kernel = Assert.Single(conv.Kernels);
        // keras/src/initializers compute_fans: receptive field 27; fan_in = 27 * 2, fan_out = 27 * 8.
        Assert.Equal((54, 216), (kernel.FanIn, kernel.FanOut));
        // glorot_uniform: limit sqrt(6 / (fan_in + fan_out)).
        double glorot = Math.Sqrt(6.0 / (54 + 216));
        Assert.All(conv.Kernel.Data, v => Assert.InRange(Math.Abs(v), 0, glorot));
        Assert.True(conv.Kernel.Data.Max(v => Math.Abs(v)) > 0.9 * glorot, "the draws span the glorot limit");
        // he_uniform: limit sqrt(6 / fan_in).
        var he = new Conv3D(8, 3, kernelInitializer: "he_uniform", inputShape: [6, 6, 6, 2]);
        he.Build([6, 6, 6, 2]);
        double heLimit = Math.Sqrt(6.0 / 54);
        Assert.All(he.Kernel.Data, v => Assert.InRange(Math.Abs(v), 0, heLimit));
        Assert.True(he.Kernel.Data.Max(v => Math.Abs(v)) > 0.9 * heLimit, "the draws span the he limit, above glorot's");
    }

    [Fact]
    public void TheLayerComputesItsOpOnKerasKernelLayout()
    {
        // A 2x1x1 kernel over a [1, 3, 1, 1, 1] volume, valid: y[z] = k0·x[z] + k1·x[z+1] + b.
        var conv = new Conv3D(1, (2, 1, 1), inputShape: [3, 1, 1, 1]);
        conv.Build([3, 1, 1, 1]);
        conv.Kernel.Data[0] = 2f;
        conv.Kernel.Data[1] = -1f;
        conv.Bias!.Data[0] = 0.5f;
        var y = conv.Call(Tensor.FromArray([1f, 4f, 9f], 1, 3, 1, 1, 1), training: false);
        Assert.Equal([1, 2, 1, 1, 1], y.Shape);
        Assert.Equal([2f - 4f + 0.5f, 8f - 9f + 0.5f], y.Data);
    }

    [Theory]
    [InlineData("model.keras")]
    [InlineData("model.h5")]
    public void AVolumeModelSavesAndLoads(string file)
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(
            new Conv3D(3, 2, padding: "same", activation: "relu", inputShape: [4, 5, 6, 2]),
            new MaxPooling3D(padding: "same"),
            new Conv3D(2, 2, dilationRate: 1, useBias: false),
            new GlobalMaxPooling3D(),
            new Dense(2));
        using var folder = new TempFolder();
        var x = Nabla.Tests.TestSupport.GradientCheck.Random(2, -1, 1, 3, 4, 5, 6, 2);
        model.Save(folder.File(file));
        var loaded = Model.Load(folder.File(file));
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Assert.Equal(model.Layers.Select(l => l.ClassName), loaded.Layers.Where(l => l is not InputLayer).Select(l => l.ClassName));
        model.SaveWeights(folder.File("model.weights.h5"));
        var other = new Sequential(
            new Conv3D(3, 2, padding: "same", activation: "relu", inputShape: [4, 5, 6, 2]), new MaxPooling3D(padding: "same"),
            new Conv3D(2, 2, useBias: false), new GlobalMaxPooling3D(), new Dense(2));
        other.LoadWeights(folder.File("model.weights.h5"));
        Assert.Equal(model.Predict(x).Data, other.Predict(x).Data);
    }

    [Fact]
    public void ExportedVolumeModelsMatchPredictInOnnxRuntime()
    {
        Utils.SetRandomSeed(8);
        var model = new Sequential(
            new Conv3D(4, (3, 2, 3), strides: (2, 1, 2), padding: "same", activation: "tanh", inputShape: [5, 6, 7, 2]),
            new AveragePooling3D(2, strides: 1, padding: "same"),
            new Conv3D(3, 2, dilationRate: (1, 2, 2), padding: "same", useBias: false),
            new MaxPooling3D((2, 3, 2), padding: "same"),
            new GlobalAveragePooling3D());
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(
            new Sequential(new Conv3D(2, 1, inputShape: [3, 3, 3, 2]), new GlobalMaxPooling3D(keepdims: true)));
    }

    [Fact]
    public void ABrightCubeCornerIsLearnedInAFewEpochs()
    {
        // The CT-scan example's shape of model (Conv3D → MaxPool3D → GlobalAveragePooling3D → Dense) on generated
        // volumes: a bright 3x3x3 cube in the front-top-left corner (class 0) or the back-bottom-right one (class 1).
        Utils.SetRandomSeed(11);
        const int samples = 128, size = 8;
        var random = new Random(5);
        var x = new Tensor(samples, size, size, size, 1);
        var y = new Tensor(samples, 2);
        for (int n = 0; n < samples; n++)
        {
            int label = n % 2, start = label == 0 ? 0 : size - 3;
            y.Data[n * 2 + label] = 1f;
            for (int i = 0; i < size * size * size; i++) x.Data[n * size * size * size + i] = (float)(random.NextDouble() * 0.3);
            for (int z = start; z < start + 3; z++)
                for (int r = start; r < start + 3; r++)
                    for (int c = start; c < start + 3; c++)
                        x.Data[n * size * size * size + (z * size + r) * size + c] += 1f;
        }
        var model = new Sequential(
            new Conv3D(4, 3, activation: "relu", inputShape: [size, size, size, 1]),
            new MaxPooling3D(2),
            new Conv3D(4, 2, activation: "relu"),
            new GlobalAveragePooling3D(),
            new Dense(2, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy", metrics: ["accuracy"]);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var history = model.Fit(x, y, batchSize: 16, epochs: 8, verbose: 0);
        watch.Stop();
        Assert.True(history["accuracy"][^1] > 0.95, $"accuracy {history["accuracy"][^1]}");
        Assert.True(watch.Elapsed.TotalSeconds < 5, $"took {watch.Elapsed.TotalSeconds:F1} s");
    }
}
