using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Hdf5;
using Nabla.Tests.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>ConvLSTM's Keras config (keys, defaults, round trips), its weights (shapes, unit_forget_bias, the path in Keras
/// 3's weights files), and what it refuses by name: a data_format other than Keras's two, stateful, Bidirectional over it,
/// ONNX export.</summary>
public sealed class ConvLstmConfigTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-convlstm-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static List<object?> Longs(params long[] values) => values.Cast<object?>().ToList();

    public static TheoryData<Layer> Layers => new()
    {
        new ConvLSTM2D(8, (3, 5), strides: (2, 1), padding: "same", activation: "relu", returnSequences: true, returnState: true,
            goBackwards: true, unitForgetBias: false, dropout: 0.25, recurrentDropout: 0.5, seed: 7, inputShape: [10, 16, 16, 1]),
        new ConvLSTM2D(4, 3, dilationRate: 2, useBias: false, recurrentActivation: "hard_sigmoid", kernelInitializer: "he_normal"),
        new ConvLSTM1D(4, 5, padding: "same", inputShape: [6, 20, 2]),
        new ConvLSTM3D(2, (1, 3, 3), strides: (1, 2, 2)),
    };

    [Theory, MemberData(nameof(Layers))]
    public void ConfigsRoundTrip(Layer layer) => ConvConfigTests.RoundTrip(layer);

    [Fact]
    public void WritesKeras3KeysInOrderWithItsDefaults()
    {
        // keras/src/layers/rnn/conv_lstm.py (ConvLSTM.get_config): the RNN's keys (rnn.py), its "cell" dropped, then the
        // cell's settings. Defaults from conv_lstm2d.py: strides=1, padding="valid", data_format=None (channels_last),
        // dilation_rate=1, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        // kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
        // unit_forget_bias=True, dropout=0.0, recurrent_dropout=0.0, seed=None, return_sequences=False,
        // return_state=False, go_backwards=False, stateful=False.
        var config = new ConvLSTM2D(64, 5).GetConfig();
        Assert.Equal(
            ["name", "trainable", "dtype", "return_sequences", "return_state", "go_backwards", "stateful", "unroll", "zero_output_for_mask",
             "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "activation", "recurrent_activation",
             "use_bias", "kernel_initializer", "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
             "recurrent_regularizer", "bias_regularizer", "activity_regularizer", "kernel_constraint", "recurrent_constraint",
             "bias_constraint", "dropout", "recurrent_dropout", "seed"],
            config.Keys.ToArray());
        Assert.Equal(Longs(5, 5), config["kernel_size"]);
        Assert.Equal(Longs(1, 1), config["strides"]);
        Assert.Equal(Longs(1, 1), config["dilation_rate"]);
        Assert.Equal("valid", config["padding"]);
        Assert.Equal("channels_last", config["data_format"]);
        Assert.Equal("tanh", config["activation"]);
        Assert.Equal("sigmoid", config["recurrent_activation"]);
        Assert.Equal(true, config["use_bias"]);
        Assert.Equal(true, config["unit_forget_bias"]);
        Assert.Equal(0.0, config["dropout"]);
        Assert.Equal(false, config["return_sequences"]);
        Assert.Equal("GlorotUniform", ((Config)config["kernel_initializer"]!)["class_name"]);
        Assert.Equal("Orthogonal", ((Config)config["recurrent_initializer"]!)["class_name"]);
        Assert.Equal("Zeros", ((Config)config["bias_initializer"]!)["class_name"]);
    }

    [Fact]
    public void ReadsTheVideoExamplesLayerAndKerasDefaults()
    {
        // The layer of Keras's "Next-frame video prediction with Convolutional LSTMs" example.
        var layer = Assert.IsType<ConvLSTM2D>(Layer.Deserialize(Config.Parse("""
            {"class_name": "ConvLSTM2D", "config": {"name": "c", "filters": 64, "kernel_size": [5, 5], "padding": "same",
             "return_sequences": true, "activation": "relu"}}
            """)));
        Assert.Equal(new Size2D(5, 5), layer.KernelSize);
        Assert.Equal("same", layer.Padding);
        Assert.Equal("relu", layer.Activation.Name);
        Assert.Equal("sigmoid", layer.RecurrentActivation.Name);
        Assert.True(layer.UnitForgetBias && layer.UseBias && layer.ReturnSequences && !layer.ReturnState);
        var nullActivation = (ConvLSTM2D)Layer.Deserialize(Config.Parse(
            """{"class_name": "ConvLSTM2D", "config": {"filters": 2, "kernel_size": 3, "activation": null}}"""));
        Assert.Equal("linear", nullActivation.Activation.Name);
    }

    [Fact]
    public void WeightsHaveKerasShapesAndUnitForgetBiasOpensTheForgetGate()
    {
        // conv_lstm.py build: kernel kernel_size + (input_dim, 4·filters), recurrent_kernel kernel_size + (filters, 4·filters),
        // bias (4·filters,) = [bias_initializer(filters), ones(filters), bias_initializer(2·filters)].
        var layer = new ConvLSTM2D(3, (3, 2), biasInitializer: "zeros");
        layer.Build([4, 8, 8, 5]);
        Assert.Equal([3, 2, 5, 12], layer.Kernel.Shape);
        Assert.Equal([3, 2, 3, 12], layer.RecurrentKernel.Shape);
        Assert.Equal([0f, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0], layer.Bias!.Data);
        Assert.Equal(["kernel", "recurrent_kernel"], layer.Kernels.Select(k => k.Weight.Name!.Split('/')[^1]));
        var plain = new ConvLSTM2D(3, 3, unitForgetBias: false);
        plain.Build([4, 8, 8, 5]);
        Assert.All(plain.Bias!.Data, v => Assert.Equal(0f, v));
        Assert.Equal([6, 6, 3], plain.OutputShape!);
    }

    [Fact]
    public void WeightsLiveInTheCellOfKeras3WeightsFiles()
    {
        // keras/src/layers/rnn/rnn.py keeps the cell as self.cell; saving_lib writes "layers/conv_lstm2d/cell/vars/0..2".
        Utils.SetRandomSeed(4);
        Sequential Model() => new(new ConvLSTM2D(2, 3, padding: "same", returnSequences: true, inputShape: [3, 5, 5, 1]));
        var model = Model();
        string path = Path.Combine(folder, "model.weights.h5");
        model.SaveWeights(path);
        using (var file = Hdf5Reader.Open(path))
        {
            Assert.Empty(file.Children("layers/conv_lstm2d/vars").Datasets);
            Assert.Equal(["0", "1", "2"], file.Children("layers/conv_lstm2d/cell/vars").Datasets.Order());
            Assert.Equal("[3, 3, 1, 8]", Tensor.ShapeString(file.Shape("layers/conv_lstm2d/cell/vars/0")));
            Assert.Equal("[3, 3, 2, 8]", Tensor.ShapeString(file.Shape("layers/conv_lstm2d/cell/vars/1")));
            Assert.Equal("[8]", Tensor.ShapeString(file.Shape("layers/conv_lstm2d/cell/vars/2")));
        }
        var fresh = Model();
        fresh.LoadWeights(path);
        var x = GradientCheck.Random(1, -1, 1, 2, 3, 5, 5, 1);
        Assert.Equal(model.Predict(x).Data, fresh.Predict(x).Data);
    }

    [Fact]
    public void RefusesWhatItDoesNotImplementByName()
    {
        var format = Assert.Throws<ArgumentException>(() => new ConvLSTM2D(2, 3, dataFormat: "NCHW"));
        Assert.Contains("'data_format' must be \"channels_last\" or \"channels_first\", found \"NCHW\"", format.Message);
        var stateful = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "ConvLSTM2D", "config": {"filters": 2, "kernel_size": 3, "stateful": true}}""")));
        Assert.Contains("stateful", stateful.Message);
        Assert.Contains("'padding'", Assert.Throws<ArgumentException>(() => new ConvLSTM1D(2, 3, padding: "causal")).Message);
        Assert.Throws<ArgumentException>(() => new ConvLSTM2D(2, 3, strides: 2, dilationRate: 2));
        var bidirectional = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Bidirectional", "config": {"layer": {"class_name": "ConvLSTM2D", "config": {"filters": 2, "kernel_size": 3}}}}""")));
        Assert.Contains("ConvLSTM2D", bidirectional.Message);
    }

    [Fact]
    public void OnnxExportWritesItAndRefusesAnUnknownNumberOfStepsByName()
    {
        // The values are checked against ONNX Runtime in OnnxConvLstmExportTests; here the file path of Export.
        var unknown = new Sequential(new ConvLSTM2D(2, 3, inputShape: [Layer.UnknownDimension, 5, 5, 1]));
        var e = Assert.Throws<NotSupportedException>(() => unknown.Export(Path.Combine(folder, "m.onnx")));
        Assert.Contains("ConvLSTM2D", e.Message);
        Assert.Empty(Directory.GetFiles(folder));
        new Sequential(new ConvLSTM2D(2, 3, inputShape: [3, 5, 5, 1])).Export(Path.Combine(folder, "m.onnx"));
        Assert.True(new FileInfo(Path.Combine(folder, "m.onnx")).Length > 0);
    }
}
