using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Serialization;

namespace Nabla.Tests.Layers;

/// <summary>Keras config round trips of the convolutional layers, in the forms Keras 3, Keras 2 and TensorFlow.js write.</summary>
public class ConvConfigTests
{
    internal static Layer RoundTrip(Layer layer)
    {
        var spec = Registry<Layer>.Serialize(layer);
        var back = Layer.Deserialize(Config.Parse(spec.ToJsonString()));
        Assert.Equal(layer.GetType(), back.GetType());
        Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(back).ToJsonString());
        return back;
    }

    public static TheoryData<Layer> Layers => new()
    {
        new Conv2D(16, (3, 5), strides: (2, 1), padding: "same", activation: "relu", useBias: false, kernelInitializer: "he_normal",
            kernelRegularizer: "l2", inputShape: [28, 28, 3]),
        new Conv2D(4, 3, dilationRate: (2, 2)),
        new Conv1D(8, 5, padding: "causal", dilationRate: 2, activation: "tanh", inputShape: [40, 2]),
        new MaxPooling2D(poolSize: (3, 2), strides: 1, padding: "same"),
        new AveragePooling2D(),
        new MaxPooling1D(3),
        new AveragePooling1D(2, strides: 1, padding: "same"),
        new GlobalAveragePooling2D(),
        new GlobalMaxPooling2D(keepdims: true),
        new GlobalAveragePooling1D(),
        new GlobalMaxPooling1D(),
        new ZeroPadding2D(((1, 2), (3, 4))),
        new Reshape([28, -1, 1]),
        new ReLU(),
        new ReLU(maxValue: 6),
        new LeakyReLU(),
        new Softmax(),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConfigsRoundTrip(Layer layer) => RoundTrip(layer);

    [Fact]
    public void Conv2DWritesKerasKeysAndValues()
    {
        var config = new Conv2D(32, 3, activation: "relu").GetConfig();
        Assert.Equal(new List<object?> { 3L, 3L }, config["kernel_size"]);
        Assert.Equal(new List<object?> { 1L, 1L }, config["strides"]);
        Assert.Equal(new List<object?> { 1L, 1L }, config["dilation_rate"]);
        Assert.Equal("valid", config["padding"]);
        Assert.Equal("channels_last", config["data_format"]);
        Assert.Equal(1L, config["groups"]);
        Assert.Equal("relu", config["activation"]);
        var pool = new MaxPooling2D().GetConfig();
        // Keras 3 writes strides = pool_size when strides were not given.
        Assert.Equal(new List<object?> { 2L, 2L }, pool["strides"]);
        Assert.Equal(new List<object?> { 2L, 2L }, pool["pool_size"]);
    }

    [Fact]
    public void Keras2AndTensorFlowJsFormsLoad()
    {
        // Keras 2 / TF.js: batch_input_shape, an int kernel_size, "alpha" for LeakyReLU, a VarianceScaling initializer.
        var model = KerasModelJson.FromJson("""
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
          {"class_name": "Conv2D", "config": {"name": "c", "batch_input_shape": [null, 12, 12, 1], "filters": 4,
             "kernel_size": 3, "strides": [1, 1], "padding": "same", "data_format": "channels_last", "dilation_rate": 1,
             "activation": "linear", "use_bias": true,
             "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1, "mode": "fan_avg", "distribution": "uniform", "seed": null}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": null, "bias_regularizer": null,
             "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}},
          {"class_name": "LeakyReLU", "config": {"name": "l", "alpha": 0.1}},
          {"class_name": "MaxPooling2D", "config": {"name": "p", "pool_size": [2, 2], "padding": "valid", "strides": null, "data_format": "channels_last"}},
          {"class_name": "Reshape", "config": {"name": "r", "target_shape": [36, 4]}},
          {"class_name": "Conv1D", "config": {"name": "c1", "filters": 2, "kernel_size": [3], "padding": "valid"}},
          {"class_name": "Reshape", "config": {"name": "r2", "target_shape": [-1]}}
        ]}}
        """);
        Assert.Equal([12, 12, 4], model.Layers[0].OutputShape!);
        Assert.Equal(0.1, ((LeakyReLU)model.Layers[1]).NegativeSlope);
        Assert.Equal([6, 6, 4], model.Layers[2].OutputShape!);
        Assert.Equal([34, 2], model.Layers[4].OutputShape!);
        Assert.Equal([68], model.Layers[5].OutputShape!);
    }

    [Theory]
    [InlineData("""{"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 3], "data_format": "NCHW"}}""", "data_format")]
    [InlineData("""{"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 3], "groups": 3}}""", "groups")]
    [InlineData("""{"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": [3, 3, 3]}}""", "kernel_size")]
    [InlineData("""{"class_name": "Conv2D", "config": {"filters": 4}}""", "kernel_size")]
    [InlineData("""{"class_name": "Conv1D", "config": {"filters": 4, "kernel_size": [3], "padding": "full"}}""", "padding")]
    [InlineData("""{"class_name": "MaxPooling2D", "config": {"pool_size": [2, 2], "data_format": "NCHW"}}""", "data_format")]
    [InlineData("""{"class_name": "GlobalAveragePooling2D", "config": {"data_format": "NCHW"}}""", "data_format")]
    [InlineData("""{"class_name": "ReLU", "config": {"threshold": 0.5}}""", "threshold")]
    [InlineData("""{"class_name": "ReLU", "config": {"max_value": 1.0}}""", "max_value")]
    [InlineData("""{"class_name": "Softmax", "config": {"axis": [1, 2]}}""", "axis")]
    [InlineData("""{"class_name": "ZeroPadding2D", "config": {"padding": [1, 2, 3]}}""", "padding")]
    public void UnsupportedConfigOptionsAreRefusedByName(string json, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(json)));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void SoftmaxOnAnotherAxisIsRefusedAtBuild()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sequential(new Softmax(axis: 1, inputShape: [3, 4])));
        Assert.Contains("axis", e.Message);
        Assert.Equal([3, 4], new Sequential(new Softmax(axis: 2, inputShape: [3, 4])).OutputShape!);
    }
}
