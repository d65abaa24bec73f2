using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

public class RecurrentLayerTests
{
    [Fact]
    public void LstmDefaultsAreKeras()
    {
        // keras/src/layers/rnn/lstm.py, LSTM.__init__: activation="tanh", recurrent_activation="sigmoid", use_bias=True,
        // kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
        // unit_forget_bias=True, dropout=0.0, recurrent_dropout=0.0, return_sequences=False, go_backwards=False.
        var config = new LSTM(5).GetConfig();
        Assert.Equal("tanh", config["activation"]);
        Assert.Equal("sigmoid", config["recurrent_activation"]);
        Assert.Equal(true, config["use_bias"]);
        Assert.Equal("GlorotUniform", ((Config)config["kernel_initializer"]!)["class_name"]);
        Assert.Equal("Orthogonal", ((Config)config["recurrent_initializer"]!)["class_name"]);
        Assert.Equal("Zeros", ((Config)config["bias_initializer"]!)["class_name"]);
        Assert.Equal(true, config["unit_forget_bias"]);
        Assert.Equal(0.0, config["dropout"]);
        Assert.Equal(0.0, config["recurrent_dropout"]);
        Assert.Equal(false, config["return_sequences"]);
        Assert.Equal(false, config["go_backwards"]);
    }

    [Fact]
    public void GruDefaultsAreKerasWithResetAfter()
    {
        // keras/src/layers/rnn/gru.py, GRU.__init__: as LSTM without unit_forget_bias, and reset_after=True.
        var config = new GRU(5).GetConfig();
        Assert.Equal("tanh", config["activation"]);
        Assert.Equal("sigmoid", config["recurrent_activation"]);
        Assert.Equal(true, config["reset_after"]);
        Assert.Equal("Orthogonal", ((Config)config["recurrent_initializer"]!)["class_name"]);
        Assert.Equal("GlorotUniform", ((Config)config["kernel_initializer"]!)["class_name"]);
    }

    [Fact]
    public void SimpleRnnAndEmbeddingDefaultsAreKeras()
    {
        // keras/src/layers/rnn/simple_rnn.py: activation="tanh", glorot_uniform, orthogonal, zeros.
        var rnn = new SimpleRNN(5).GetConfig();
        Assert.Equal("tanh", rnn["activation"]);
        Assert.Equal("Orthogonal", ((Config)rnn["recurrent_initializer"]!)["class_name"]);
        // keras/src/layers/core/embedding.py: embeddings_initializer="uniform" (RandomUniform(-0.05, 0.05)), mask_zero=False.
        var embedding = new Embedding(10, 4).GetConfig();
        var initializer = (Config)embedding["embeddings_initializer"]!;
        Assert.Equal("RandomUniform", initializer["class_name"]);
        Assert.Equal(-0.05, ((Config)initializer["config"]!)["minval"]);
        Assert.Equal(false, embedding["mask_zero"]);
    }

    [Fact]
    public void UnitForgetBiasStartsTheForgetGateAtOne()
    {
        var lstm = new LSTM(3);
        lstm.Build([4, 2]);
        Assert.Equal([0f, 0f, 0f, 1f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f], lstm.Bias!.ToArray());
        var plain = new LSTM(3, unitForgetBias: false);
        plain.Build([4, 2]);
        Assert.All(plain.Bias!.Data, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void WeightsHaveKerasNamesShapesAndOrder()
    {
        var lstm = new LSTM(4, name: "l");
        lstm.Build([7, 3]);
        Assert.Equal(["l/kernel", "l/recurrent_kernel", "l/bias"], lstm.Weights.Select(w => w.Name));
        Assert.Equal([[3, 16], [4, 16], [16]], lstm.Weights.Select(w => w.Shape));
        var gru = new GRU(4);
        gru.Build([7, 3]);
        Assert.Equal([[3, 12], [4, 12], [2, 12]], gru.Weights.Select(w => w.Shape));
        var gruBefore = new GRU(4, resetAfter: false);
        gruBefore.Build([7, 3]);
        Assert.Equal([12], gruBefore.Weights[2].Shape);
        var embedding = new Embedding(50, 6);
        embedding.Build([9]);
        Assert.Equal([50, 6], embedding.Embeddings.Shape);
    }

    [Theory]
    [InlineData(3, 5)]
    [InlineData(32, 64)]
    public void ParameterCountsMatchKerasFormulas(int inputs, int units)
    {
        var lstm = new LSTM(units);
        lstm.Build([10, inputs]);
        Assert.Equal(4 * (inputs * units + units * units + units), lstm.CountParams());
        var gru = new GRU(units);
        gru.Build([10, inputs]);
        Assert.Equal(3 * (inputs * units + units * units + 2 * units), gru.CountParams());
        var gruBefore = new GRU(units, resetAfter: false);
        gruBefore.Build([10, inputs]);
        Assert.Equal(3 * (inputs * units + units * units + units), gruBefore.CountParams());
        var rnn = new SimpleRNN(units);
        rnn.Build([10, inputs]);
        Assert.Equal(inputs * units + units * units + units, rnn.CountParams());
    }

    public static TheoryData<Layer> Layers() =>
    [
        new LSTM(4, returnSequences: true, goBackwards: true, dropout: 0.25, recurrentDropout: 0.5, seed: 3, inputShape: [5, 2]),
        new LSTM(4, activation: "relu", recurrentActivation: "hard_sigmoid", useBias: false, unitForgetBias: false),
        new GRU(3, resetAfter: false, kernelInitializer: "he_uniform"),
        new GRU(3, returnSequences: true),
        new SimpleRNN(2, activation: "relu", recurrentInitializer: "glorot_normal"),
        new Embedding(100, 8, inputShape: [12]),
    ];

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConfigRoundTrips(Layer layer)
    {
        var config = layer.GetConfig();
        var rebuilt = Layer.Deserialize(Config.Parse(Registry<Layer>.Serialize(layer).ToJsonString()));
        Assert.Equal(layer.GetType(), rebuilt.GetType());
        Assert.Equal(config.ToJsonString(), rebuilt.GetConfig().ToJsonString());
    }

    [Fact]
    public void ReadsKeras2AndTfjsForms()
    {
        // Keras 2 / TF.js: batch_input_shape, implementation, time_major, initializers as VarianceScaling dicts.
        var lstm = (LSTM)Layer.Deserialize(Config.Parse("""
            {"class_name": "LSTM", "config": {"name": "lstm_1", "trainable": true, "batch_input_shape": [null, 20, 3],
             "units": 8, "activation": "tanh", "recurrent_activation": "hard_sigmoid", "use_bias": true,
             "kernel_initializer": {"class_name": "VarianceScaling", "config": {"scale": 1, "mode": "fan_avg", "distribution": "uniform", "seed": null}},
             "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1, "seed": null}},
             "bias_initializer": {"class_name": "Zeros", "config": {}}, "unit_forget_bias": true,
             "kernel_regularizer": null, "dropout": 0, "recurrent_dropout": 0, "implementation": 2,
             "return_sequences": false, "return_state": false, "go_backwards": false, "stateful": false,
             "unroll": false, "time_major": false}}
            """));
        Assert.Equal([20, 3], lstm.DeclaredInputShape!);
        Assert.Equal("hard_sigmoid", lstm.RecurrentActivation.Name);
        var gru = (GRU)Layer.Deserialize(Config.Parse("""
            {"class_name": "GRU", "config": {"units": 4, "reset_after": false}}
            """));
        Assert.False(gru.ResetAfter);
        var embedding = (Embedding)Layer.Deserialize(Config.Parse("""
            {"class_name": "Embedding", "config": {"input_dim": 30, "output_dim": 2, "input_length": 7,
             "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": null}}}}
            """));
        Assert.Equal([7], embedding.DeclaredInputShape!);
    }

    [Theory]
    [InlineData("""{"units": 4, "time_major": true}""", "time_major")]
    public void RefusesOptionsItDoesNotImplementByName(string json, string key)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => LSTM.FromConfig(Config.Parse(json)));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void GruWithRecurrentDropoutDropsInTrainingOnly()
    {
        // Keras's "Deep Learning with Python" forecasts with GRU(32, recurrent_dropout=0.5).
        var gru = (GRU)GRU.FromConfig(Config.Parse("""{"units": 4, "recurrent_dropout": 0.5, "seed": 1}"""));
        Assert.Equal(0.5, gru.RecurrentDropout);
        Assert.Equal(0.5, gru.GetConfig().GetDouble("recurrent_dropout", 0));
        var x = Tensor.FromArray(Enumerable.Range(0, 2 * 6 * 3).Select(i => MathF.Sin(i)).ToArray(), [2, 6, 3]);
        var inference = gru.Call(x, training: false).ToArray();
        Assert.Equal(inference, gru.Call(x, training: false).ToArray());
        var training = gru.Call(x, training: true).ToArray();
        Assert.NotEqual(inference, training);
        Assert.NotEqual(training, gru.Call(x, training: true).ToArray());
    }

    [Fact]
    public void MeetsTheLayerContract()
    {
        var lstm = (LSTM)Layer.Deserialize(Config.Parse("""
            {"class_name": "LSTM", "config": {"units": 3, "kernel_regularizer": "l2", "recurrent_regularizer": {"class_name": "L1", "config": {"l1": 0.5}}}}
            """));
        lstm.Build([6, 2]);
        // Kernels with Keras's fans (compute_fans of [in, 4u] and [u, 4u]).
        Assert.Equal([(2, 12), (3, 12)], lstm.Kernels.Select(k => (k.FanIn, k.FanOut)));
        var penalties = lstm.PenaltyLosses().ToArray();
        Assert.Equal(2, penalties.Length);
        Assert.Equal(0.01 * lstm.Kernel.Data.Sum(w => (double)w * w), penalties[0].Data[0], 1e-5);
        Assert.Equal(0.5 * lstm.RecurrentKernel.Data.Sum(w => Math.Abs((double)w)), penalties[1].Data[0], 1e-5);

        // A SimpleRNN's output is its activation of a pre-activation, observed in the output's layout.
        var rnn = new SimpleRNN(3, returnSequences: true);
        var x = GradientCheck.Random(2, -1, 1, 2, 4, 2);
        var output = rnn.Call(x, training: false);
        var activity = rnn.Observe(output);
        Assert.Equal("tanh", activity.Activation!.Name);
        Assert.Equal(output.Shape, activity.PreActivation!.Shape);
        for (int i = 0; i < output.Size; i++) Assert.Equal(MathF.Tanh(activity.PreActivation.Data[i]), output.Data[i], 1e-6f);
    }

    [Fact]
    public void TwoDimensionalInputNamesTheLayerAndShapes()
    {
        var lstm = new LSTM(4, name: "my_lstm");
        var error = Assert.Throws<ArgumentException>(() => lstm.Call(new Tensor(2, 8), training: false));
        Assert.Contains("my_lstm", error.Message);
        Assert.Contains("(None, timesteps, features)", error.Message);
        Assert.Contains("(None, 8)", error.Message);
    }

    [Fact]
    public void MismatchedTimeAxisNamesTheLayerAndBothShapes()
    {
        var gru = new GRU(4, name: "my_gru", inputShape: [10, 3]);
        var error = Assert.Throws<ArgumentException>(() => gru.Call(new Tensor(2, 12, 3), training: false));
        Assert.Contains("my_gru", error.Message);
        Assert.Contains("(None, 10, 3)", error.Message);
        Assert.Contains("(None, 12, 3)", error.Message);
    }

    [Fact]
    public void LayersMatchFiniteDifferencesThroughTheirWeights()
    {
        var x = GradientCheck.Random(3, -1, 1, 2, 3, 2);
        var lstm = new LSTM(3, returnSequences: true);
        lstm.Build([3, 2]);
        GradientCheck.Check(t => lstm.Call(t[0], training: true), [x, .. lstm.Weights]);
        var gru = new GRU(2, goBackwards: true);
        gru.Build([3, 2]);
        GradientCheck.Check(t => gru.Call(t[0], training: true), [x, .. gru.Weights]);
    }

    [Fact]
    public void RecordsStateGradientNormsPerStep()
    {
        var model = new Sequential(new SimpleRNN(4, inputShape: [6, 2]), new Dense(1));
        model.Compile("sgd", "mse");
        ((RecurrentLayer)model.Layers[0]).RecordStateGradientNorms = true;
        var (x, y) = Nabla.Data.Synthetic.AddingProblem(8, 6, seed: 1);
        model.TrainOnBatch(x, y);
        var norms = ((RecurrentLayer)model.Layers[0]).StateGradientNorms!;
        Assert.Equal(6, norms.Count);
        Assert.All(norms, n => Assert.True(n > 0));
        // The last state takes the loss's gradient directly; earlier ones through the recurrence.
        Assert.NotEqual(norms[0], norms[^1]);
    }

    [Fact]
    public void KerasRnnOverOneOfItsCellsLoadsAsTheMatchingLayer()
    {
        // keras.layers.RNN(keras.layers.LSTMCell(4, unit_forget_bias=False), return_sequences=True, name="rnn")
        var layer = Layer.Deserialize(Config.Parse("""
            {"class_name": "RNN", "config": {"name": "rnn", "return_sequences": true, "return_state": false, "go_backwards": false,
             "stateful": false, "unroll": false, "zero_output_for_mask": false, "cell": {"class_name": "LSTMCell",
             "config": {"name": "lstm_cell", "units": 4, "unit_forget_bias": false, "recurrent_activation": "hard_sigmoid"}}}}
            """));
        var lstm = Assert.IsType<LSTM>(layer);
        Assert.Equal(("rnn", 4, true, false, "hard_sigmoid"), (lstm.Name, lstm.Units, lstm.ReturnSequences, lstm.UnitForgetBias, lstm.RecurrentActivation.Name));
        Assert.IsType<GRU>(Layer.Deserialize(Config.Parse("""{"class_name": "RNN", "config": {"name": "g", "cell": {"class_name": "GRUCell", "config": {"units": 3}}}}""")));
        Assert.IsType<StackedRecurrent>(Layer.Deserialize(Config.Parse(
            """{"class_name": "RNN", "config": {"name": "s", "cell": [{"class_name": "LSTMCell", "config": {"units": 3}}]}}""")));
        var custom = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "RNN", "config": {"name": "c", "cell": {"class_name": "MinimalRNNCell", "config": {"units": 3}}}}""")));
        Assert.Contains("is a MinimalRNNCell", custom.Message);
    }

    [Fact]
    public void ANullActivationIsKerasLinearNotTheLayersDefault()
    {
        var lstm = (LSTM)Layer.Deserialize(Config.Parse("""{"class_name": "LSTM", "config": {"name": "l", "units": 2, "activation": null, "recurrent_activation": null}}"""));
        Assert.Equal(("linear", "linear"), (lstm.Activation.Name, lstm.RecurrentActivation.Name));
        var absent = (GRU)Layer.Deserialize(Config.Parse("""{"class_name": "GRU", "config": {"name": "g", "units": 2}}"""));
        Assert.Equal(("tanh", "sigmoid"), (absent.Activation.Name, absent.RecurrentActivation.Name));
    }
}
