using Nabla.Layers;

namespace Nabla.Tests.Serialization;

/// <summary>Exported convolutional models run in ONNX Runtime and give what Nabla's Predict gives.</summary>
public class OnnxConvExportTests
{
    [Fact]
    public void TheMnistConvnetMatchesPredict()
    {
        Utils.SetRandomSeed(5);
        OnnxRuntimeCheck.AssertMatchesPredict(Nabla.Tests.Layers.ConvLayerTests.MnistConvnet(), low: 0f, high: 1f);
    }

    [Fact]
    public void EveryTwoDimensionalOptionMatchesPredict()
    {
        Utils.SetRandomSeed(6);
        var model = new Sequential(
            new ZeroPadding2D(((1, 0), (2, 1)), inputShape: [9, 8, 2]),
            new Conv2D(4, (3, 2), strides: 2, padding: "same", activation: "tanh"),
            new AveragePooling2D(2, strides: 1, padding: "same"),
            new Conv2D(3, 3, dilationRate: 2, padding: "same", useBias: false),
            new LeakyReLU(),
            new MaxPooling2D((2, 3), padding: "same"),
            new ReLU(),
            new Conv2D(5, 1, activation: "softmax"),
            new GlobalMaxPooling2D(keepdims: true),
            new Reshape([-1]),
            new Softmax());
        OnnxRuntimeCheck.AssertMatchesPredict(model);
        var global = new Sequential(new Conv2D(3, 2, inputShape: [5, 5, 2]), new GlobalAveragePooling2D());
        OnnxRuntimeCheck.AssertMatchesPredict(global);
    }

    [Fact]
    public void OneDimensionalLayersMatchPredict()
    {
        Utils.SetRandomSeed(7);
        var model = new Sequential(
            new Conv1D(4, 3, padding: "causal", dilationRate: 2, activation: "relu", inputShape: [12, 3]),
            new MaxPooling1D(2, padding: "same"),
            new Conv1D(3, 2, strides: 2, padding: "same"),
            new AveragePooling1D(2, strides: 1),
            new GlobalAveragePooling1D());
        OnnxRuntimeCheck.AssertMatchesPredict(model);
        OnnxRuntimeCheck.AssertMatchesPredict(new Sequential(new Conv1D(2, 3, inputShape: [7, 2]), new GlobalMaxPooling1D()));
    }
}
