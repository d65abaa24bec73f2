using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Tests.TestSupport;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Keras's <c>RNN(cell)</c> over a user's cell (keras/src/layers/rnn/rnn.py): the cells below write SimpleRNN's and
/// LSTM's steps with tensor operations, so the generic loop must give what the fused layers give with the same weights,
/// in every mode (sequences, go_backwards, masks, return_state, initial_state); then its gradients, config, files and
/// refusals.
/// </summary>
public class CustomRnnCellTests
{
    /// <summary>h' = tanh(x·W + h·U + b), SimpleRNN's step.</summary>
    private sealed class ElmanCell(int units, string? name = null) : RnnCell(name)
    {
        private Tensor? kernel, recurrent, bias;

        public override string ClassName => "TestElmanCell";

        public override IReadOnlyList<int> StateSize => [units];

        protected override void BuildWeights(int[] inputShape)
        {
            kernel = AddKernel("kernel", [inputShape[0], units], new GlorotUniform());
            recurrent = AddKernel("recurrent_kernel", [units, units], new Orthogonal());
            bias = AddWeight("bias", [units], new Zeros());
        }

        public override (Tensor Output, IReadOnlyList<Tensor> States) Step(Tensor inputs, IReadOnlyList<Tensor> states, bool training)
        {
            var h = ActivationFunction.Get("tanh").Apply(Tensor.MatMul(inputs, kernel!) + Tensor.MatMul(states[0], recurrent!) + bias!);
            return (h, [h]);
        }

        public override Config GetConfig()
        {
            var config = base.GetConfig();
            config["units"] = (long)units;
            return config;
        }

        public static ElmanCell FromConfig(Config config) => new(config.GetInt("units"), BaseArgs(config).name);
    }

    /// <summary>LSTM's step in Keras's gate order [i, f, c, o]: two states, h and c.</summary>
    private sealed class LstmLikeCell(int units, string? name = null) : RnnCell(name)
    {
        private Tensor? kernel, recurrent, bias;

        public override string ClassName => "TestLstmLikeCell";

        public override IReadOnlyList<int> StateSize => [units, units];

        protected override void BuildWeights(int[] inputShape)
        {
            kernel = AddKernel("kernel", [inputShape[0], 4 * units], new GlorotUniform());
            recurrent = AddKernel("recurrent_kernel", [units, 4 * units], new Orthogonal());
            bias = AddWeight("bias", [4 * units], new Zeros());
        }

        public override (Tensor Output, IReadOnlyList<Tensor> States) Step(Tensor inputs, IReadOnlyList<Tensor> states, bool training)
        {
            var z = Tensor.MatMul(inputs, kernel!) + Tensor.MatMul(states[0], recurrent!) + bias!;
            Tensor Gate(int k) => Tensor.Slice(z, [0, k * units], [z.Shape[0], units]);
            var sigmoid = ActivationFunction.Get("sigmoid");
            var tanh = ActivationFunction.Get("tanh");
            var c = sigmoid.Apply(Gate(1)) * states[1] + sigmoid.Apply(Gate(0)) * tanh.Apply(Gate(2));
            var h = sigmoid.Apply(Gate(3)) * tanh.Apply(c);
            return (h, [h, c]);
        }

        public override Config GetConfig()
        {
            var config = base.GetConfig();
            config["units"] = (long)units;
            return config;
        }

        public static LstmLikeCell FromConfig(Config config) => new(config.GetInt("units"), BaseArgs(config).name);
    }

    /// <summary>Two sequences of 5 steps of 3 features; with a mask, sample 1's last two steps are padding.</summary>
    private static Tensor Sequences(bool masked)
    {
        var x = GradientCheck.Random(3, -1, 1, 2, 5, 3);
        if (masked) Array.Clear(x.Data, 1 * 15 + 3 * 3, 6);
        return x;
    }

    private static Sequential Model(Layer recurrent, bool masked) =>
        masked ? new Sequential(new Masking(0, inputShape: [5, 3]), recurrent) : new Sequential(new InputLayer([5, 3]), recurrent);

    /// <summary>Copies <paramref name="from"/>'s weights into <paramref name="to"/>, in order.</summary>
    private static void CopyWeights(Layer from, Layer to)
    {
        Assert.Equal(from.Weights.Select(w => w.Shape), to.Weights.Select(w => w.Shape));
        for (int i = 0; i < from.Weights.Count; i++) from.Weights[i].Data.CopyTo(to.Weights[i].Data, 0);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    public void AnElmanCellComputesWhatSimpleRnnComputes(bool returnSequences, bool goBackwards, bool masked)
    {
        Utils.SetRandomSeed(4);
        var rnn = new RNN(new ElmanCell(4), returnSequences, goBackwards: goBackwards);
        var simple = new SimpleRNN(4, returnSequences: returnSequences, goBackwards: goBackwards);
        var model = Model(rnn, masked);
        var reference = Model(simple, masked);
        model.Build([5, 3]);
        reference.Build([5, 3]);
        CopyWeights(rnn, simple);
        var x = Sequences(masked);
        var expected = reference.Predict(x);
        var actual = model.Predict(x);
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Size; i++) Assert.Equal(expected.Data[i], actual.Data[i], 1e-5);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AnLstmLikeCellReturnsLstmsOutputAndStatesFromGivenStates(bool masked)
    {
        Utils.SetRandomSeed(5);
        var rnn = new RNN(new LstmLikeCell(3), returnSequences: true, returnState: true);
        var lstm = new LSTM(3, returnSequences: true, returnState: true);
        rnn.Build([5, 3]);
        lstm.Build([5, 3]);
        CopyWeights(rnn, lstm);
        var x = Sequences(masked);
        if (masked) x.KerasMask = Tensor.FromArray([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], 2, 5);
        Tensor[] initial = [GradientCheck.Random(6, -1, 1, 2, 3), GradientCheck.Random(7, -1, 1, 2, 3)];
        var expected = lstm.CallAll(x, initial, training: false);
        var actual = rnn.CallAll(x, initial, training: false);
        Assert.Equal(3, actual.Count);
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(expected[k].Shape, actual[k].Shape);
            for (int i = 0; i < expected[k].Size; i++) Assert.Equal(expected[k].Data[i], actual[k].Data[i], 1e-5);
        }
    }

    /// <summary>Keras's lstm_seq2seq shape: the encoder's final states start the decoder, through the functional API.</summary>
    private static Nabla.Model EncoderDecoder(Func<string, bool, Layer> recurrent)
    {
        var encoderInputs = new Input([5, 3], name: "encoder_inputs");
        var encoded = recurrent("encoder", false).ApplyAll(encoderInputs);
        var decoderInputs = new Input([4, 2], name: "decoder_inputs");
        var decoded = recurrent("decoder", true).ApplyAll(decoderInputs, encoded[1], encoded[2]);
        return new Nabla.Model([encoderInputs, decoderInputs], decoded[0], name: "seq2seq");
    }

    [Fact]
    public void AFunctionalEncoderDecoderPassesStatesAsLstmsDoAndItsConfigLoads()
    {
        if (!Layer.Registry.Contains("TestLstmLikeCell")) Layer.Register("TestLstmLikeCell", LstmLikeCell.FromConfig);
        Utils.SetRandomSeed(10);
        Layer Custom(string name, bool sequences) => new RNN(new LstmLikeCell(3), sequences, returnState: true, name: name);
        Layer Fused(string name, bool sequences) => new LSTM(3, returnSequences: sequences, returnState: true, name: name);
        var model = EncoderDecoder(Custom);
        var reference = EncoderDecoder(Fused);
        reference.SetWeights(model.GetWeights());
        Tensor[] x = [GradientCheck.Random(11, -1, 1, 2, 5, 3), GradientCheck.Random(12, -1, 1, 2, 4, 2)];
        var expected = reference.Predict(x)[0];
        var actual = model.Predict(x)[0];
        Assert.Equal([2, 4, 3], actual.Shape);
        for (int i = 0; i < expected.Size; i++) Assert.Equal(expected.Data[i], actual.Data[i], 1e-5);

        // The functional config names the decoder's states as Keras's initial_state keyword, and loads back.
        string json = Nabla.Serialization.KerasModelJson.ToJson(model);
        Assert.Contains("initial_state", json);
        var loaded = Nabla.Serialization.KerasModelJson.FromJson(json);
        loaded.SetWeights(model.GetWeights());
        Assert.Equal(actual.Data, loaded.Predict(x)[0].Data);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        Utils.SetRandomSeed(6);
        var rnn = new RNN(new LstmLikeCell(2), returnSequences: true, goBackwards: true);
        rnn.Build([4, 3]);
        GradientCheck.Check(t => Tensor.Multiply(rnn.Call(t[0], training: true), rnn.Call(t[0], training: true)),
            [GradientCheck.Random(8, -1, 1, 2, 4, 3), .. rnn.TrainableWeights]);
    }

    [Fact]
    public void AModelOverACellLearnsAndItsGradientsAreSimpleRnns()
    {
        Utils.SetRandomSeed(7);
        var x = GradientCheck.Random(9, -1, 1, 32, 5, 3);
        // The label is the sign of the sum of each sequence's first feature: the state must carry it through time.
        var y = new Tensor(32, 1);
        for (int n = 0; n < 32; n++) y.Data[n] = Enumerable.Range(0, 5).Sum(t => x.Data[n * 15 + t * 3]) > 0 ? 1 : 0;
        var model = new Sequential(new InputLayer([5, 3]), new RNN(new ElmanCell(8)), new Dense(1, activation: "sigmoid"));
        var reference = new Sequential(new InputLayer([5, 3]), new SimpleRNN(8), new Dense(1, activation: "sigmoid"));
        model.Build([5, 3]);
        reference.Build([5, 3]);
        reference.SetWeights(model.GetWeights());
        model.Compile("adam", "binary_crossentropy");
        reference.Compile("adam", "binary_crossentropy");
        var got = model.ComputeGradients(x, y);
        var expected = reference.ComputeGradients(x, y);
        for (int k = 0; k < got.Count; k++)
            for (int i = 0; i < got[k]!.Size; i++) Assert.Equal(expected[k]!.Data[i], got[k]!.Data[i], 1e-5);
        Utils.SetRandomSeed(9);
        var history = model.Fit(x, y, epochs: 60, batchSize: 8, verbose: 0);
        Utils.SetRandomSeed(9);
        var referenceHistory = reference.Fit(x, y, epochs: 60, batchSize: 8, verbose: 0);
        // Captured training steps replay the loop as the fused layer's op runs it.
        Assert.Equal(referenceHistory["loss"][^1], history["loss"][^1], 1e-3);
        Assert.True(history["loss"][^1] < 0.7 * history["loss"][0], $"losses {history["loss"][0]} → {history["loss"][^1]}");
    }

    [Fact]
    public void ARegisteredCellLoadsFromKerasConfigAndSavedFiles()
    {
        if (!Layer.Registry.Contains("TestElmanCell")) Layer.Register("TestElmanCell", ElmanCell.FromConfig);
        // Keras 3's form for a custom cell: its registered name, its config, and the RNN's options beside it.
        var loaded = (RNN)Layer.Deserialize(Config.Parse("""
            {"class_name": "RNN", "config": {"name": "rnn", "trainable": true, "dtype": "float32", "return_sequences": true,
             "return_state": false, "go_backwards": false, "stateful": false, "unroll": false, "zero_output_for_mask": false,
             "cell": {"module": null, "class_name": "TestElmanCell", "config": {"name": "elman", "trainable": true, "units": 4},
                      "registered_name": "TestElmanCell"}}}
            """));
        Assert.True(loaded.ReturnSequences);
        Assert.Equal("elman", loaded.Cell.Name);
        Assert.Equal([5, 4], loaded.ComputeOutputShape([5, 3]));

        Utils.SetRandomSeed(8);
        var model = new Sequential(new InputLayer([5, 3]), new RNN(new ElmanCell(4), returnSequences: true, goBackwards: true));
        model.Build([5, 3]);
        // Keras 3 keeps an RNN's weights in its cell: "layers/rnn/cell/vars".
        Assert.Equal(["layers/rnn/vars", "layers/rnn/cell/vars"],
            Nabla.Serialization.Saving.ModelWeights.VarGroups("rnn", model.Layers[^1]).Select(g => g.VarsPath));
        var x = Sequences(masked: false);
        string folder = Directory.CreateTempSubdirectory("nabla-rnn-cell-").FullName;
        try
        {
            foreach (string file in new[] { "cell.keras", "cell.h5" })
            {
                string path = Path.Combine(folder, file);
                model.Save(path);
                var back = Nabla.Model.Load(path);
                Assert.True(((RNN)back.Layers[^1]).GoBackwards);
                Assert.Equal(model.Predict(x).Data, back.Predict(x).Data);
            }
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void CellsThatCannotRunAreRefusedByName()
    {
        string WithCell(string cell, string extra = "") => """{"class_name": "RNN", "config": {"name": "rnn", """ + extra + "\"cell\": " + cell + "}}";
        var unknown = Assert.ThrowsAny<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            WithCell("""{"class_name": "NoSuchCell", "config": {"units": 2}}"""))));
        Assert.Contains("NoSuchCell", unknown.Message);
        Assert.Contains("Layer.Register", unknown.Message);
        var notACell = Assert.ThrowsAny<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            WithCell("""{"class_name": "Dense", "config": {"units": 2}}"""))));
        Assert.Contains("not an RnnCell", notACell.Message);
        if (!Layer.Registry.Contains("TestElmanCell")) Layer.Register("TestElmanCell", ElmanCell.FromConfig);
        var stateful = Assert.ThrowsAny<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            WithCell("""{"class_name": "TestElmanCell", "config": {"units": 2}}""", "\"stateful\": true, "))));
        Assert.Contains("stateful", stateful.Message);
        var direct = Assert.Throws<InvalidOperationException>(() => new ElmanCell(2).Call(Tensor.Zeros(1, 3), training: false));
        Assert.Contains("wrap it in RNN", direct.Message);
        var exported = new Sequential(new InputLayer([4, 3]), new RNN(new ElmanCell(2)));
        exported.Build([4, 3]);
        var onnx = Assert.Throws<NotSupportedException>(() => exported.Export(Path.Combine(Path.GetTempPath(), "nabla-never-written.onnx")));
        Assert.Contains("the user's cell", onnx.Message);
        var wrongStates = new RNN(new LstmLikeCell(2));
        Assert.Contains("carries 2 states", Assert.Throws<ArgumentException>(
            () => wrongStates.CallAll(Tensor.Zeros(1, 4, 3), [Tensor.Zeros(1, 2)], training: false)).Message);
    }
}
