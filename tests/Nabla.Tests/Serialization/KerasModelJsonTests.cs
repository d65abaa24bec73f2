using Nabla.Serialization;
using Nabla.Layers;
using Nabla.Configuration;

namespace Nabla.Tests.Serialization;

/// <summary>Models written by Keras 3, Keras 2 and TensorFlow.js (their <c>model.to_json()</c> shapes) load.</summary>
public class KerasModelJsonTests
{
    [Fact]
    public void Keras3JsonWithInputLayerAndModuleKeysLoads()
    {
        const string json = """
        {"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true,
         "layers": [
          {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 784], "dtype": "float32", "sparse": false, "name": "input_layer"}, "registered_name": null},
          {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense", "trainable": true, "dtype": "float32", "units": 128,
            "activation": "relu", "use_bias": true,
            "kernel_initializer": {"module": "keras.initializers", "class_name": "HeUniform", "config": {"seed": null}, "registered_name": null},
            "bias_initializer": {"module": "keras.initializers", "class_name": "Zeros", "config": {}, "registered_name": null},
            "kernel_regularizer": null, "bias_regularizer": null, "kernel_constraint": null, "bias_constraint": null}, "registered_name": null},
          {"module": "keras.layers", "class_name": "Dense", "config": {"name": "dense_1", "units": 10, "activation": "softmax"}, "registered_name": null}
         ]}, "build_config": {"input_shape": [null, 784]}}
        """;
        var model = KerasModelJson.FromJson(json);
        Assert.Equal([784], model.InputShape!);
        Assert.Equal([10], model.OutputShape!);
        var dense = Assert.IsType<Dense>(model.Layers[1]);
        Assert.Equal("relu", dense.Activation.Name);
        Assert.Equal("HeUniform", dense.KernelInitializer.ClassName);
        Assert.Equal(101_770, model.CountParams());
    }

    [Fact]
    public void TensorFlowJsJsonWithVarianceScalingAndBatchInputShapeLoads()
    {
        const string json = """
        {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": [
          {"class_name": "Dense", "config": {"units": 128, "activation": "relu", "use_bias": true,
            "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 2, "mode": "fan_in", "distribution": "uniform", "seed": null}},
            "bias_initializer": {"class_name": "Zeros", "config": {}}, "name": "dense_Dense1", "trainable": true,
            "batch_input_shape": [null, 784], "dtype": "float32"}},
          {"class_name": "Dense", "config": {"units": 10, "activation": "softmax", "name": "dense_Dense2"}}]},
         "keras_version": "tfjs-layers 4.22.0", "backend": "tensor_flow.js"}
        """;
        Utils.SetRandomSeed(1);
        var model = KerasModelJson.FromJson(json);
        var kernel = ((Dense)model.Layers[0]).Kernel;
        // VarianceScaling(2, fan_in, uniform) is he_uniform: limit sqrt(6/784) ≈ 0.0875.
        Assert.All(kernel.Data, v => Assert.InRange(v, -0.0875f, 0.0875f));
        Assert.True(kernel.Data.Max() > 0.08f);
    }

    [Fact]
    public void OldestKeras2FormWithLayerListAsConfigLoads()
    {
        const string json = """{"class_name": "Sequential", "config": [{"class_name": "Dense", "config": {"units": 3, "batch_input_shape": [null, 4], "activation": "tanh"}}]}""";
        var model = KerasModelJson.FromJson(json);
        Assert.Equal([3], model.OutputShape!);
    }

    [Fact]
    public void RoundTripThroughJsonRebuildsTheSameArchitecture()
    {
        var model = new Sequential(
            new Dense(8, activation: "relu", kernelInitializer: "he_uniform", inputShape: [5]),
            new BatchNormalization(), new Dropout(0.2), new Dense(2, activation: "softmax"));
        var rebuilt = KerasModelJson.FromJson(KerasModelJson.ToJson(model));
        Assert.Equal(model.Layers.Select(l => l.ClassName), rebuilt.Layers.Select(l => l.ClassName));
        Assert.Equal(model.CountParams(), rebuilt.CountParams());
        Assert.Equal(KerasModelJson.ToJson(model), KerasModelJson.ToJson(rebuilt));
    }

    [Fact]
    public void UnknownModelClassesAndEmptyFunctionalConfigsAreRefusedClearly()
    {
        var e = Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson("""{"class_name": "MyModel", "config": {}}""", "m.json"));
        Assert.Contains("m.json", e.Message);
        Assert.Contains("\"Sequential\" and \"Functional\"", e.Message);
        var empty = Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson("""{"class_name": "Functional", "config": {}}""", "m.json"));
        Assert.Contains("m.json", empty.Message);
        Assert.Contains("'layers'", empty.Message);
    }
}
