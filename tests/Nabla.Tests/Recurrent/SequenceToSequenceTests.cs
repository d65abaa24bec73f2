using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Recurrent layers that return their states and start from given ones (Keras's return_state and initial_state), and
/// the encoder–decoder models they make, as in Keras's lstm_seq2seq example: the encoder's final h and c start the
/// decoder.
/// </summary>
public class SequenceToSequenceTests
{
    private const int Batch = 3, Steps = 5, Features = 4, Units = 6;

    private static Tensor Sequence(int seed, int steps = Steps) => GradientCheck.Random(seed, -1, 1, Batch, steps, Features);

    private static RecurrentLayer Make(string kind, int units, bool returnSequences = false, bool returnState = false, string? name = null) => kind switch
    {
        "LSTM" => new LSTM(units, returnSequences: returnSequences, returnState: returnState, name: name),
        "GRU" => new GRU(units, returnSequences: returnSequences, returnState: returnState, name: name),
        _ => new SimpleRNN(units, returnSequences: returnSequences, returnState: returnState, name: name),
    };

    /// <summary>A layer with <paramref name="layer"/>'s weights built for sequences of <paramref name="steps"/> steps
    /// (a built layer keeps its input shape).</summary>
    private static RecurrentLayer Twin(RecurrentLayer layer, string kind, int steps)
    {
        var twin = Make(kind, layer.Units, layer.ReturnSequences, layer.ReturnState);
        twin.Build([steps, layer.InputShape![1]]);
        for (int i = 0; i < layer.Weights.Count; i++) layer.Weights[i].Data.CopyTo(twin.Weights[i].Data, 0);
        return twin;
    }

    public static TheoryData<string> Kinds() => new() { "LSTM", "GRU", "SimpleRNN" };

    [Theory, MemberData(nameof(Kinds))]
    public void RunningTwoHalvesFromTheFirstHalfsStatesEqualsRunningTheWholeSequence(string kind)
    {
        Utils.SetRandomSeed(3);
        var layer = Make(kind, Units, returnSequences: true, returnState: true);
        var x = Sequence(1);
        var whole = layer.CallAll(x, null, training: false);
        var first = Twin(layer, kind, 2).CallAll(Tensor.Slice(x, [0, 0, 0], [Batch, 2, Features]), null, training: false);
        var second = Twin(layer, kind, Steps - 2).CallAll(Tensor.Slice(x, [0, 2, 0], [Batch, Steps - 2, Features]),
            first.Skip(1).ToArray(), training: false);

        Assert.Equal(layer.StateCount + 1, whole.Count);
        AssertClose(Tensor.Slice(whole[0], [0, 2, 0], [Batch, Steps - 2, Units]), second[0]);
        for (int k = 1; k < whole.Count; k++) AssertClose(whole[k], second[k]);
    }

    [Theory, MemberData(nameof(Kinds))]
    public void TheReturnedHIsTheLastOutputAndZeroInitialStatesChangeNothing(string kind)
    {
        Utils.SetRandomSeed(4);
        var layer = Make(kind, Units, returnState: true);
        var x = Sequence(2);
        var outputs = layer.CallAll(x, null, training: false);
        Assert.Equal([Batch, Units], outputs[0].Shape);
        AssertClose(outputs[0], outputs[1]);
        var zeros = Enumerable.Range(0, layer.StateCount).Select(_ => new Tensor(Batch, Units)).ToArray();
        var fromZeros = layer.CallAll(x, zeros, training: false);
        for (int k = 0; k < outputs.Count; k++) AssertClose(outputs[k], fromZeros[k]);
    }

    [Fact]
    public void TheLstmCellStateIsReturnedAfterH()
    {
        Utils.SetRandomSeed(5);
        var layer = new LSTM(Units, returnState: true);
        var outputs = layer.CallAll(Sequence(3), null, training: false);
        // h = o ⊙ tanh(c): |h| < |c| wherever c is not zero, so the two differ and h is the one in (-1, 1).
        Assert.Equal(3, outputs.Count);
        for (int i = 0; i < outputs[1].Size; i++)
            Assert.True(Math.Abs(outputs[1].Data[i]) <= Math.Abs(outputs[2].Data[i]) + 1e-6f, $"element {i}: |h| > |c|");
        Assert.NotEqual(outputs[1].Data, outputs[2].Data);
    }

    /// <summary>Keras's lstm_seq2seq training model: the encoder's states start the decoder, whose sequence a softmax reads.</summary>
    private static (Model Model, LSTM Encoder, LSTM Decoder) EncoderDecoder(int units = Units, int classes = 4)
    {
        var encoderInputs = new Input([Steps, Features], name: "encoder_inputs");
        var encoder = new LSTM(units, returnState: true, name: "encoder");
        var encoded = encoder.ApplyAll(encoderInputs);
        var decoderInputs = new Input([Steps, classes], name: "decoder_inputs");
        var decoder = new LSTM(units, returnSequences: true, returnState: true, name: "decoder");
        var decoded = decoder.ApplyAll(decoderInputs, initialState: [encoded[1], encoded[2]]);
        var outputs = new Dense(classes, activation: "softmax", name: "decoder_dense").Apply(decoded[0]);
        return (new Model([encoderInputs, decoderInputs], outputs, name: "seq2seq"), encoder, decoder);
    }

    /// <summary>Reverse a sequence of 4 symbols with teacher forcing: the decoder reads the target shifted by one step.</summary>
    private static (Tensor[] X, Tensor Y) ReversalTask(int samples, int seed)
    {
        var rng = new RandomGenerator(seed);
        var source = new Tensor(samples, Steps, Features);
        var decoderIn = new Tensor(samples, Steps, 4);
        var target = new Tensor(samples, Steps, 4);
        for (int s = 0; s < samples; s++)
        {
            var symbols = Enumerable.Range(0, Steps).Select(_ => rng.NextInt(4)).ToArray();
            for (int t = 0; t < Steps; t++)
            {
                source.Data[(s * Steps + t) * Features + symbols[t]] = 1;
                int reversed = symbols[Steps - 1 - t];
                target.Data[(s * Steps + t) * 4 + reversed] = 1;
                if (t + 1 < Steps) decoderIn.Data[(s * Steps + t + 1) * 4 + reversed] = 1;
            }
        }
        return ([source, decoderIn], target);
    }

    [Fact]
    public void AnEncoderDecoderLearnsToReverseSequences()
    {
        Utils.SetRandomSeed(7);
        var (model, _, _) = EncoderDecoder(units: 32);
        model.Compile("adam", "categorical_crossentropy", metrics: ["accuracy"]);
        var (x, y) = ReversalTask(512, 1);
        var history = model.Fit(x, [y], epochs: 40, batchSize: 32, verbose: 0);
        // Chance is 25% per step; the decoder can only reverse what the encoder's states carried across.
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]:F3}");
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.7, $"loss {history["loss"][0]:F3} -> {history["loss"][^1]:F3}");
    }

    [Fact]
    public void KerasInferenceModelsDecodeOneStepAtATimeAsTheTrainingModelDoesWithTeacherForcing()
    {
        Utils.SetRandomSeed(14);
        var encoderInputs = new Input([Steps, Features]);
        var encoded = new LSTM(Units, returnState: true).ApplyAll(encoderInputs);
        var decoderInputs = new Input([Steps, 4]);
        var decoder = new LSTM(Units, returnSequences: true, returnState: true);
        var dense = new Dense(4, activation: "softmax");
        var decoded = decoder.ApplyAll(decoderInputs, [encoded[1], encoded[2]]);
        var training = new Model([encoderInputs, decoderInputs], dense.Apply(decoded[0]));

        // lstm_seq2seq's sampling models: the encoder's states, then the decoder one step at a time from given states.
        var encoderModel = new Model(encoderInputs, [encoded[1], encoded[2]]);
        var token = new Input([1, 4]);
        var (hIn, cIn) = (new Input([Units]), new Input([Units]));
        var stepped = decoder.ApplyAll(token, [hIn, cIn]);
        var decoderModel = new Model([token, hIn, cIn], [dense.Apply(stepped[0]), stepped[1], stepped[2]]);

        var (x, _) = ReversalTask(Batch, 5);
        var expected = training.Predict(x)[0];
        var states = encoderModel.Predict([x[0]]);
        for (int t = 0; t < Steps; t++)
        {
            var outputs = decoderModel.Predict([Tensor.Slice(x[1], [0, t, 0], [Batch, 1, 4]), states[0], states[1]]);
            AssertClose(Tensor.Slice(expected, [0, t, 0], [Batch, 1, 4]), outputs[0]);
            states = [outputs[1], outputs[2]];
        }
    }

    [Fact]
    public void LayersThatRunOnOtherLengthsStillRefuseOtherFeaturesAndModelsTheirInputsShape()
    {
        var lstm = new LSTM(Units);
        lstm.Build([Steps, Features]);
        Assert.Equal([Batch, Units], lstm.Call(Sequence(1, steps: 2), training: false).Shape);
        var features = Assert.Throws<ArgumentException>(() => lstm.Call(new Tensor(Batch, Steps, Features + 1), training: false));
        Assert.Contains("built for inputs of shape (None, 5, 4) but receives (None, 5, 5)", features.Message);
        var dense = new Dense(2);
        dense.Build([Steps, Units]);
        Assert.Equal([Batch, 1, 2], dense.Call(new Tensor(Batch, 1, Units), training: false).Shape);
        Assert.Throws<ArgumentException>(() => dense.Call(new Tensor(Batch, Steps, Units + 1), training: false));
        Assert.Throws<ArgumentException>(() => dense.Call(new Tensor(Batch, Units), training: false));

        var model = new Sequential(new LSTM(Units, inputShape: [Steps, Features]), new Dense(2));
        Assert.ThrowsAny<ArgumentException>(() => model.Predict(new Tensor(Batch, 2, Features)));
    }

    [Fact]
    public void ABidirectionalEncoderReturnsTheForwardThenTheBackwardStatesAndStartsFromGivenOnes()
    {
        Utils.SetRandomSeed(15);
        var bi = new Bidirectional(new LSTM(Units, returnState: true));
        bi.Build([Steps, Features]);
        var x = Sequence(6);
        var states = Enumerable.Range(0, 4).Select(k => GradientCheck.Random(30 + k, -0.5, 0.5, Batch, Units)).ToArray();
        var outputs = bi.CallAll(x, states, training: false);
        Assert.Equal(5, outputs.Count);
        var forward = bi.ForwardLayer.CallAll(x, states[..2], training: false);
        var backward = bi.BackwardLayer.CallAll(x, states[2..], training: false);
        AssertClose(Tensor.Concat([forward[0], backward[0]], 1), outputs[0]);
        AssertClose(forward[1], outputs[1]);
        AssertClose(forward[2], outputs[2]);
        AssertClose(backward[1], outputs[3]);
        AssertClose(backward[2], outputs[4]);
        var e = Assert.Throws<ArgumentException>(() => bi.CallAll(x, states[..2], training: false));
        Assert.Contains("initial_state needs 4 tensors (2 per direction); found 2", e.Message);
    }

    [Fact]
    public void BidirectionalWithoutAMergeModeReturnsBothDirectionsAndAKerasNullIsReadAsSuch()
    {
        Utils.SetRandomSeed(17);
        var bi = new Bidirectional(new GRU(Units, returnSequences: true), mergeMode: null);
        var x = Sequence(7);
        bi.Build([Steps, Features]);
        var outputs = bi.CallAll(x, null, training: false);
        Assert.Equal(2, outputs.Count);
        AssertClose(bi.ForwardLayer.Call(x, training: false), outputs[0]);
        var backward = bi.BackwardLayer.Call(x, training: false);
        // The backward outputs come back in input order: step t of the pair is the backward layer's step T − 1 − t.
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Steps; t++)
                for (int u = 0; u < Units; u++)
                    Assert.Equal(backward.Data[(b * Steps + Steps - 1 - t) * Units + u], outputs[1].Data[(b * Steps + t) * Units + u], 1e-6f);
        Assert.Throws<ArgumentException>(() => bi.Apply(new Input([Steps, Features])));

        // Keras writes merge_mode None as null; read as absent it would have concatenated silently.
        var loaded = (Bidirectional)Layer.Deserialize(Config.Parse(
            """{"class_name": "Bidirectional", "config": {"name": "b", "merge_mode": null, "layer": {"class_name": "LSTM", "config": {"units": 3, "return_sequences": true}}}}"""));
        Assert.Null(loaded.MergeMode);
        Assert.Equal(2, loaded.TensorsPerCall);
        Assert.Null(Registry<Layer>.Serialize(loaded).GetConfig("config")!["merge_mode"]);
        var absent = (Bidirectional)Layer.Deserialize(Config.Parse(
            """{"class_name": "Bidirectional", "config": {"name": "c", "layer": {"class_name": "LSTM", "config": {"units": 3}}}}"""));
        Assert.Equal("concat", absent.MergeMode);
    }

    [Fact]
    public void ABidirectionalEncoderWhoseConcatenatedStatesStartTheDecoderLearnsAndRoundTripsItsConfig()
    {
        Utils.SetRandomSeed(16);
        var encoderInputs = new Input([Steps, Features]);
        var encoded = new Bidirectional(new GRU(16, returnState: true), name: "bi_encoder").ApplyAll(encoderInputs);
        var state = new Concatenate().Apply(encoded[1], encoded[2]);
        var decoderInputs = new Input([Steps, 4]);
        var decoded = new GRU(32, returnSequences: true).Apply(decoderInputs, [state]);
        var model = new Model([encoderInputs, decoderInputs], new Dense(4, activation: "softmax").Apply(decoded));
        model.Compile("adam", "categorical_crossentropy", metrics: ["accuracy"]);
        var (x, y) = ReversalTask(512, 6);
        var history = model.Fit(x, [y], epochs: 40, batchSize: 32, verbose: 0);
        Assert.True(history["accuracy"][^1] > 0.9, $"accuracy {history["accuracy"][^1]:F3}");

        string json = KerasModelJson.ToJson(model);
        var loaded = KerasModelJson.FromJson(json);
        Assert.Equal(json, KerasModelJson.ToJson(loaded));
        loaded.SetWeights(model.GetWeights());
        AssertClose(model.Predict(x)[0], loaded.Predict(x)[0]);
    }

    [Fact]
    public void TheDecoderDependsOnTheEncoderOnlyThroughItsStatesAndTheirGradientsReachTheEncoder()
    {
        Utils.SetRandomSeed(8);
        var (model, encoder, _) = EncoderDecoder();
        model.Compile("sgd", "categorical_crossentropy");
        var (x, y) = ReversalTask(8, 2);
        var before = encoder.Kernel.Data.ToArray();
        model.Fit(x, [y], epochs: 1, batchSize: 8, verbose: 0);
        Assert.NotEqual(before, encoder.Kernel.Data);
    }

    [Fact]
    public void TheSummaryListsTheStatesAndTheCallsTensorIndices()
    {
        Utils.SetRandomSeed(9);
        var (model, _, _) = EncoderDecoder();
        string summary = model.Summary(TextWriter.Null);
        Assert.Contains("[(None, 6), (None, 6), (None, 6)]", summary);
        Assert.Contains("[(None, 5, 6), (None, 6), (None, 6)]", summary);
        Assert.Contains("encoder[0][1]", summary);
        Assert.Contains("encoder[0][2]", summary);
    }

    [Fact]
    public void TheConfigPassesTheStatesAsInitialStateWithTheirTensorIndicesAndRebuildsTheSameModel()
    {
        Utils.SetRandomSeed(10);
        var (model, _, _) = EncoderDecoder();
        var config = KerasModelJson.ToConfig(model);
        string json = KerasModelJson.ToJson(model);
        var decoderEntry = ((List<object?>)((Config)config["config"]!)["layers"]!).Cast<Config>().Single(l => (string?)l["name"] == "decoder");
        var node = (Config)((List<object?>)decoderEntry["inbound_nodes"]!)[0]!;
        var states = (List<object?>)((Config)node["kwargs"]!)["initial_state"]!;
        Assert.Equal([["encoder", 0L, 1L], ["encoder", 0L, 2L]],
            states.Select(s => (List<object?>)((Config)((Config)s!)["config"]!)["keras_history"]!).Select(h => h.ToArray()));
        Assert.True((bool)((Config)decoderEntry["config"]!)["return_state"]!);

        var loaded = KerasModelJson.FromJson(json);
        Assert.Equal(json, KerasModelJson.ToJson(loaded));
        loaded.SetWeights(model.GetWeights());
        var (x, _) = ReversalTask(4, 3);
        AssertClose(model.Predict(x)[0], loaded.Predict(x)[0]);
    }

    [Fact]
    public void AKeras2ConfigListsTheInitialStatesAfterTheSequenceAndModelOutputsMayBeStates()
    {
        // tf.keras writes a call with initial_state as one flat list of inbound tensors (RNN.__call__'s full_input).
        string json = """
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 4], "name": "a"}, "name": "a", "inbound_nodes": []},
          {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 5, 4], "name": "b"}, "name": "b", "inbound_nodes": []},
          {"class_name": "LSTM", "config": {"name": "enc", "units": 6, "return_state": true}, "name": "enc",
           "inbound_nodes": [[["a", 0, 0, {}]]]},
          {"class_name": "LSTM", "config": {"name": "dec", "units": 6, "return_sequences": true, "return_state": true}, "name": "dec",
           "inbound_nodes": [[["b", 0, 0, {}], ["enc", 0, 1, {}], ["enc", 0, 2, {}]]]}],
          "input_layers": [["a", 0, 0], ["b", 0, 0]], "output_layers": [["dec", 0, 0], ["dec", 0, 2]]}}
        """;
        var model = KerasModelJson.FromJson(json);
        Assert.Equal([[5, 6], [6]], model.OutputShapes!);
        var x = new[] { Sequence(4), Sequence(5) };
        var outputs = model.Predict(x);
        var enc = (LSTM)model.Layers.Single(l => l.Name == "enc");
        var dec = (LSTM)model.Layers.Single(l => l.Name == "dec");
        var encoded = enc.CallAll(x[0], null, training: false);
        var decoded = dec.CallAll(x[1], encoded.Skip(1).ToArray(), training: false);
        AssertClose(decoded[0], outputs[0]);
        AssertClose(decoded[2], outputs[1]);
    }

    [Fact]
    public void ASavedEncoderDecoderLoadsWithItsWeightsAndPredictsTheSame()
    {
        Utils.SetRandomSeed(11);
        var (model, _, _) = EncoderDecoder();
        string folder = Directory.CreateTempSubdirectory("nabla-seq2seq-").FullName;
        try
        {
            string path = Path.Combine(folder, "seq2seq.keras");
            model.Save(path);
            var loaded = Model.Load(path);
            var (x, _) = ReversalTask(4, 4);
            AssertClose(model.Predict(x)[0], loaded.Predict(x)[0]);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void AMaskedEncoderHandsOverTheStateOfItsLastRealStep()
    {
        Utils.SetRandomSeed(12);
        var tokens = new Input([Steps], name: "tokens");
        var embedded = new Embedding(10, Features, maskZero: true).Apply(tokens);
        var encoder = new LSTM(Units, returnState: true);
        var states = encoder.ApplyAll(embedded);
        var model = new Model(tokens, [states[1], states[2]]);
        // Sample 0 is padded after 3 tokens; its states must equal those of the 3 tokens alone.
        var x = Tensor.FromArray([1, 2, 3, 0, 0, 4, 5, 6, 7, 8], [2, Steps]);
        var outputs = model.Predict([x]);
        var embedded3 = Tensor.Slice(model.Layers[1].Call(x, training: false), [0, 0, 0], [1, 3, Features]);
        var alone = Twin(encoder, "LSTM", 3).CallAll(embedded3, null, training: false);
        AssertClose(alone[1], Tensor.Slice(outputs[0], [0, 0], [1, Units]));
        AssertClose(alone[2], Tensor.Slice(outputs[1], [0, 0], [1, Units]));
    }

    [Fact]
    public void MisuseIsRefusedWithWhatWasExpected()
    {
        var input = new Input([Steps, Features]);
        var withStates = new LSTM(Units, returnState: true, name: "with_states");
        var e = Assert.Throws<ArgumentException>(() => withStates.Apply(input));
        Assert.Contains("ApplyAll", e.Message);
        Assert.Contains("h and c", e.Message);
        Assert.Throws<ArgumentException>(() => new Sequential(new LSTM(Units, returnState: true, inputShape: [Steps, Features])));
        Assert.Throws<ArgumentException>(() => new Bidirectional(new LSTM(Units, returnState: true), backwardLayer: new LSTM(Units, goBackwards: true)));
        Assert.Throws<ArgumentException>(() => new TimeDistributed(new GRU(Units, returnState: true)));
        Assert.Throws<InvalidOperationException>(() => new LSTM(Units, returnState: true).Call(Sequence(1), training: false));

        var states = withStates.ApplyAll(input);
        var count = Assert.Throws<ArgumentException>(() => new LSTM(Units).Apply(input, initialState: [states[1]]));
        Assert.Contains("its 2 initial states; 2 inputs were given", count.Message);
        var gru = new GRU(Units + 1);
        var shape = Assert.Throws<ArgumentException>(() => gru.Apply(input, initialState: [states[1]]));
        Assert.Contains("initial_state[0] must have shape (None, 7)", shape.Message);
        var eager = Assert.Throws<ArgumentException>(() => new LSTM(Units).CallAll(Sequence(1), [new Tensor(Batch, Units)], training: false));
        Assert.Contains("its initial_state has 1 tensors", eager.Message);
    }

    [Fact]
    public void AConfigThatNamesAMissingTensorOrPassesInitialStateToADenseIsRefusedByField()
    {
        string Json(string outputs, string denseKwargs) => $$$"""
        {"class_name": "Functional", "config": {"name": "m", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, 5, 4], "name": "a"}, "name": "a", "inbound_nodes": []},
          {"class_name": "GRU", "config": {"name": "g", "units": 3, "return_state": true}, "name": "g",
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 5, 4], "dtype": "float32", "keras_history": ["a", 0, 0]}}], "kwargs": {}}]},
          {"class_name": "Dense", "config": {"name": "d", "units": 2}, "name": "d",
           "inbound_nodes": [{"args": [{"class_name": "__keras_tensor__", "config": {"shape": [null, 3], "dtype": "float32", "keras_history": ["g", 0, 1]}}], "kwargs": {{{denseKwargs}}}}]}],
          "input_layers": [["a", 0, 0]], "output_layers": {{{outputs}}}}}
        """;
        Assert.Equal([2], KerasModelJson.FromJson(Json("""[["d", 0, 0]]""", "{}")).OutputShape!);
        var missing = Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(Json("""[["g", 0, 2]]""", "{}")));
        Assert.Contains("'output_layers[0]': tensor index 2 of layer \"g\": its call makes 2 tensors", missing.Message);
        var kwarg = Assert.Throws<ArgumentException>(() => KerasModelJson.FromJson(Json("""[["d", 0, 0]]""",
            """{"initial_state": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["g", 0, 1]}}]}""")));
        Assert.Contains("'initial_state' of layer \"d\" (Dense) are not supported", kwarg.Message);
    }

    [Fact]
    public void TheReversalSetHoldsTheSourceAndTheShiftedTargetSideBySideAndSplitsIntoTheTwoInputs()
    {
        var (x, y) = Nabla.Data.Synthetic.SequenceReversal(samples: 50, timesteps: 4, symbols: 3, seed: 1);
        Assert.Equal([50, 4, 6], x.Shape);
        Assert.Equal([50, 4, 3], y.Shape);
        var parts = Nabla.Doctor.ExperimentSplit.Columns(x, [3, 3]);
        Assert.Equal([50, 4, 3], parts[0].Shape);
        int Symbol(Tensor t, int sample, int step)
        {
            int start = (sample * 4 + step) * 3, at = Array.IndexOf(t.Data, 1f, start, 3);
            return at < 0 ? -1 : at - start;
        }
        for (int n = 0; n < 50; n++)
        {
            Assert.Equal(-1, Symbol(parts[1], n, 0));
            for (int t = 0; t < 4; t++)
            {
                Assert.Equal(Symbol(parts[0], n, 3 - t), Symbol(y, n, t));
                if (t > 0) Assert.Equal(Symbol(y, n, t - 1), Symbol(parts[1], n, t));
            }
        }
    }

    private static void AssertClose(Tensor expected, Tensor actual, float tolerance = 1e-5f)
    {
        Assert.Equal(expected.Size, actual.Size);
        for (int i = 0; i < expected.Size; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= tolerance * (1 + Math.Abs(expected.Data[i])),
                $"element {i}: expected {expected.Data[i]:G7}, found {actual.Data[i]:G7}");
    }
}
