using Microsoft.ML.OnnxRuntime;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Serialization.Onnx;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

/// <summary>
/// Keras's None in an input shape (<c>Input(shape=(None, features))</c>): sequences whose length comes with the data.
/// Layers whose weights do not depend on it accept it; Fit, Predict and Evaluate take the length from the arrays; configs
/// write it as null; layers that need every axis refuse it by name.
/// </summary>
public class UnknownLengthTests
{
    private const int Features = 4, Units = 5;
    private const int None = Layer.UnknownDimension;

    private const string KerasConfig = """
        {"class_name": "Functional", "config": {"name": "tagger", "layers": [
          {"class_name": "InputLayer", "config": {"batch_shape": [null, null, 4], "name": "tokens"}, "name": "tokens", "inbound_nodes": []},
          {"class_name": "LSTM", "config": {"name": "lstm", "units": 5, "return_sequences": true}, "name": "lstm", "inbound_nodes": [[["tokens", 0, 0, {}]]]},
          {"class_name": "Dense", "config": {"name": "tags", "units": 3, "activation": "softmax"}, "name": "tags", "inbound_nodes": [[["lstm", 0, 0, {}]]]}],
          "input_layers": [["tokens", 0, 0]], "output_layers": [["tags", 0, 0]]}}
        """;

    private static Tensor Sequences(int seed, int samples, int steps) => GradientCheck.Random(seed, -1, 1, samples, steps, Features);

    [Fact]
    public void AKerasConfigWithNoneTimestepsLoadsAndPredictsSequencesOfEveryLengthAsAFixedLengthModelWould()
    {
        Utils.SetRandomSeed(1);
        var model = KerasModelJson.FromJson(KerasConfig);
        Assert.Equal([None, 3], model.OutputShape!);
        Assert.Contains("(None, None, 5)", model.Summary(TextWriter.Null));
        foreach (int steps in new[] { 7, 2 })
        {
            var x = Sequences(steps, 6, steps);
            var predicted = model.Predict(x);
            Assert.Equal([6, steps, 3], predicted.Shape);
            var input = new Input([steps, Features]);
            var fixedLength = new Model(input, new Dense(3, activation: "softmax").Apply(new LSTM(Units, returnSequences: true).Apply(input)));
            fixedLength.SetWeights(model.GetWeights());
            Assert.Equal(fixedLength.Predict(x).Data, predicted.Data);
        }
    }

    [Fact]
    public void FitEvaluateAndPerStepMetricsTakeTheLengthFromTheData()
    {
        Utils.SetRandomSeed(2);
        var model = KerasModelJson.FromJson(KerasConfig);
        model.Compile("adam", "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var x = Sequences(3, 64, 6);
        // Tag each step by the sign of its first feature and whether the previous step's was positive.
        var y = new Tensor(64, 6);
        for (int n = 0; n < 64; n++)
            for (int t = 0; t < 6; t++)
                y.Data[n * 6 + t] = (x.Data[(n * 6 + t) * Features] > 0 ? 1 : 0) + (t > 0 && x.Data[(n * 6 + t - 1) * Features] > 0 ? 1 : 0);
        var history = model.Fit(x, y, epochs: 30, batchSize: 16, verbose: 0, validationSplit: 0.25);
        Assert.True(history["accuracy"][^1] > history["accuracy"][0] + 0.2, $"accuracy {history["accuracy"][0]:F3} -> {history["accuracy"][^1]:F3}");
        Assert.True(history["val_accuracy"][^1] > history["val_accuracy"][0], $"val_accuracy {history["val_accuracy"][0]:F3} -> {history["val_accuracy"][^1]:F3}");
        var evaluated = model.Evaluate(x, y);
        // Evaluate's per-step accuracy is the share of steps whose argmax is the tag, as Predict gives them.
        var predicted = model.Predict(x);
        int right = 0;
        for (int step = 0; step < 64 * 6; step++)
        {
            var row = predicted.Data.AsSpan(step * 3, 3);
            if (row.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(row)) == (int)y.Data[step]) right++;
        }
        Assert.Equal(right / (64.0 * 6), evaluated["accuracy"], 1e-6);
        Assert.True(evaluated["accuracy"] > 0.5, $"accuracy {evaluated["accuracy"]:F3} (chance about 0.4)");
        Assert.Empty(model.FindMissingGradients());

        var wrongTargets = Assert.Throws<ArgumentException>(() => model.Fit(x, new Tensor(64, 5), epochs: 1, verbose: 0));
        Assert.Contains("outputs (None, 6, 3)", wrongTargets.Message);
    }

    [Fact]
    public void ConfigsWriteNullForTheUnknownAxisAndSavedFilesLoadWithIt()
    {
        Utils.SetRandomSeed(3);
        var model = KerasModelJson.FromJson(KerasConfig);
        string json = KerasModelJson.ToJson(model);
        Assert.Contains("\"batch_shape\":[null,null,4]", json.Replace("\n", "").Replace(" ", ""));
        Assert.Equal(json, KerasModelJson.ToJson(KerasModelJson.FromJson(json)));
        string folder = Directory.CreateTempSubdirectory("nabla-none-").FullName;
        try
        {
            string path = Path.Combine(folder, "tagger.keras");
            model.Save(path);
            var loaded = Model.Load(path);
            var x = Sequences(4, 3, 9);
            Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);

            // A Sequential model's build_config carries the None too, in .keras and in Keras 2's .h5.
            var sequential = new Sequential(new LSTM(Units, inputShape: [None, Features]), new Dense(2));
            foreach (var file in new[] { "sequential.keras", "sequential.h5" })
            {
                sequential.Save(Path.Combine(folder, file));
                var reloaded = Model.Load(Path.Combine(folder, file));
                Assert.Equal([None, Features], reloaded.InputShape!);
                Assert.Equal(sequential.Predict(x).Data, reloaded.Predict(x).Data);
            }
            using var archive = System.IO.Compression.ZipFile.OpenRead(Path.Combine(folder, "sequential.keras"));
            using var reader = new StreamReader(archive.GetEntry("config.json")!.Open());
            Assert.Contains("\"input_shape\":[null,null,4]", reader.ReadToEnd().Replace(" ", "").Replace("\n", ""));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void KerasSeq2SeqWithNoneLengthsTrainsOnWholeSequencesAndSamplesOneStepAtATime()
    {
        Utils.SetRandomSeed(4);
        var encoderInputs = new Input([None, Features]);
        var encoded = new LSTM(Units, returnState: true).ApplyAll(encoderInputs);
        var decoderInputs = new Input([None, 3]);
        var decoder = new LSTM(Units, returnSequences: true, returnState: true);
        var dense = new Dense(3, activation: "softmax");
        var training = new Model([encoderInputs, decoderInputs], dense.Apply(decoder.ApplyAll(decoderInputs, [encoded[1], encoded[2]])[0]));
        var (hIn, cIn) = (new Input([Units]), new Input([Units]));
        var stepped = decoder.ApplyAll(decoderInputs, [hIn, cIn]);
        var sampling = new Model([decoderInputs, hIn, cIn], [dense.Apply(stepped[0]), stepped[1], stepped[2]]);

        var source = Sequences(5, 4, 8);
        var targetIn = GradientCheck.Random(6, 0, 1, 4, 5, 3);
        var whole = training.Predict([source, targetIn])[0];
        Assert.Equal([4, 5, 3], whole.Shape);
        var states = new Model(encoderInputs, [encoded[1], encoded[2]]).Predict([source]);
        for (int t = 0; t < 5; t++)
        {
            var step = sampling.Predict([Tensor.Slice(targetIn, [0, t, 0], [4, 1, 3]), states[0], states[1]]);
            var expected = Tensor.Slice(whole, [0, t, 0], [4, 1, 3]);
            for (int i = 0; i < expected.Size; i++) Assert.Equal(expected.Data[i], step[0].Data[i], 1e-5f);
            states = [step[1], step[2]];
        }
    }

    /// <summary>Keras's text classifier: token ids of any length, convolutions along them, a global max over what is left.</summary>
    private static Model TextConvNet(int length)
    {
        var tokens = new Input([length]);
        var x = new Embedding(20, 6).Apply(tokens);
        x = new Conv1D(8, 3, activation: "relu").Apply(x);
        x = new Conv1D(8, 3, strides: 2, padding: "same", activation: "relu").Apply(x);
        x = new MaxPooling1D(2, padding: "same").Apply(x);
        x = new GlobalMaxPooling1D().Apply(x);
        return new Model(tokens, new Dense(1, activation: "sigmoid").Apply(x));
    }

    [Fact]
    public void ConvolutionsAndPoolingAlongAnUnknownLengthComputeEachCallsWindowsAsAFixedLengthModelWould()
    {
        Utils.SetRandomSeed(8);
        var model = TextConvNet(None);
        Assert.Equal([None, 8], model.Layers[2].OutputShape!);
        foreach (int length in new[] { 9, 14 })
        {
            var x = new Tensor(5, length);
            for (int i = 0; i < x.Size; i++) x.Data[i] = (i * 7 + length) % 20;
            var twin = TextConvNet(length);
            twin.SetWeights(model.GetWeights());
            Assert.Equal(twin.Predict(x).Data, model.Predict(x).Data);
        }
        var images = new Input([None, None, 3]);
        var pooled = new GlobalAveragePooling2D().Apply(new Conv2D(4, 3, padding: "same", name: "conv").Apply(images));
        var fullyConvolutional = new Model(images, new Dense(2).Apply(pooled));
        Assert.Equal([2, 2], fullyConvolutional.Predict(GradientCheck.Random(9, 0, 1, 2, 7, 5, 3)).Shape);
        var onnx = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(fullyConvolutional));
        Assert.Contains("layer 'conv' (Conv2D) has an input axis of unknown length (None)", onnx.Message);
    }

    [Fact]
    public void ALayerDeclaredWithAnUnknownAxisKeepsItWhenTheFirstDataBuildsIt()
    {
        var conv = new Conv1D(3, 2, inputShape: [None, Features]);
        Assert.Equal([3, 5, 3], conv.Call(Sequences(1, 3, 6), training: false).Shape);
        Assert.Equal([None, Features], conv.InputShape!);
        Assert.Equal([3, 8, 3], conv.Call(Sequences(2, 3, 9), training: false).Shape);
    }

    [Theory]
    [InlineData("DepthwiseConv1D")]
    [InlineData("SeparableConv1D")]
    public void DepthwiseAndSeparableConvolutionsRunOnAnUnknownLength(string className)
    {
        // Keras builds them for Input(shape=(None, channels)): their kernels depend on the channels only.
        Utils.SetRandomSeed(3);
        Layer Make(int? steps) => Layer.Deserialize(Configuration.Config.Parse($$$"""
            {"class_name": "{{{className}}}", "config": {"name": "c", {{{(className == "SeparableConv1D" ? "\"filters\": 3," : "")}}} "kernel_size": 3, "strides": 2, "padding": "same",
             "depth_multiplier": 2, "batch_shape": [null, {{{(steps is int s ? s.ToString() : "null")}}}, {{{Features}}}]}}
            """));
        var open = Make(null);
        var model = new Sequential(open);
        foreach (int steps in new[] { 6, 9 })
        {
            var fixedLength = Make(steps);
            fixedLength.Build([steps, Features]);
            for (int w = 0; w < open.Weights.Count; w++) open.Weights[w].Data.CopyTo(fixedLength.Weights[w].Data, 0);
            var x = Sequences(steps, 2, steps);
            Assert.Equal(fixedLength.Call(x, training: false).Data, model.Predict(x).Data);
        }
        Assert.Equal([None, className == "DepthwiseConv1D" ? 2 * Features : 3], open.OutputShape!);
    }

    [Fact]
    public void LayersThatNeedEveryAxisRefuseAnUnknownOneByName()
    {
        var input = new Input([None, Features]);
        var conv = Assert.Throws<ArgumentException>(() => new DepthwiseConv2D(3, name: "conv").Apply(new Input([5, 5, None])));
        Assert.Contains("Layer 'conv' (DepthwiseConv2D) needs axis 3 of its inputs known, but receives (None, 5, 5, None)", conv.Message);
        Assert.Throws<ArgumentException>(() => new Flatten().Apply(input));
        var features = Assert.Throws<ArgumentException>(() => new LSTM(3).Apply(new Input([5, None])));
        Assert.Contains("needs axis 2", features.Message);
        Assert.Throws<ArgumentException>(() => new Input([0, 4]));
        var sequential = new Sequential(new LSTM(Units, inputShape: [None, Features]), new Dense(2));
        Assert.Equal([2, 2], sequential.Predict(Sequences(1, 2, 11)).Shape);
    }

    [Fact]
    public void OnnxExportNamesTheUnknownAxisAndRunsOnEveryLength()
    {
        Utils.SetRandomSeed(7);
        var model = KerasModelJson.FromJson(KerasConfig);
        using var session = new InferenceSession(OnnxExport.ToBytes(model));
        Assert.Equal(-1, session.InputMetadata["input"].Dimensions[1]);
        foreach (int steps in new[] { 3, 8 })
        {
            var x = Sequences(steps, 2, steps);
            using var value = OrtValue.CreateTensorValueFromMemory(x.Data, [2, steps, Features]);
            using var runOptions = new RunOptions();
            using var outputs = session.Run(runOptions, ["input"], [value], ["output"]);
            var expected = model.Predict(x);
            var actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();
            Assert.Equal(expected.Size, actual.Length);
            for (int i = 0; i < actual.Length; i++) Assert.Equal(expected.Data[i], actual[i], 1e-5f);
        }
    }
}
