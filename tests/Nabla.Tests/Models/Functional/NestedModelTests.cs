using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

/// <summary>A model used as a layer of another, as in Keras (<c>outer = Model(x, inner(x))</c>, <c>Sequential([base, Softmax()])</c>).</summary>
public class NestedModelTests
{
    private static Model Encoder(string name = "encoder")
    {
        var input = new Input([4]);
        var hidden = new Dense(6, activation: "tanh").Apply(input);
        return new Model(input, new Dense(3, activation: "relu").Apply(hidden), name: name);
    }

    /// <summary>outer = Model(x, Dense(encoder(x))).</summary>
    private static (Model Outer, Model Inner, Dense Head) OuterWithEncoder()
    {
        var inner = Encoder();
        var input = new Input([4]);
        var head = new Dense(2);
        var outer = new Model(input, head.Apply(inner.Apply(input)), name: "outer");
        return (outer, inner, head);
    }

    private static Tensor X(int seed = 1) => GradientCheck.Random(seed, -1, 1, 10, 4);

    [Fact]
    public void AFunctionalModelAppliedInsideAnotherSharesItsWeightsAndComputesTheSame()
    {
        Utils.SetRandomSeed(2);
        var (outer, inner, head) = OuterWithEncoder();

        Assert.Equal(["InputLayer", "Functional", "Dense"], outer.Layers.Select(l => l.ClassName));
        Assert.Same(inner, outer.Layers[1]);
        Assert.Equal(inner.Weights.Concat(head.Weights), outer.Weights);
        Assert.Equal([3], inner.OutputShape!);
        Assert.Equal(inner.CountParams() + head.CountParams(), outer.CountParams());

        var x = X();
        var expected = head.Call(inner.Predict(x), training: false);
        Assert.Equal(expected.Data, outer.Predict(x).Data);
    }

    [Fact]
    public void TheIssuesSequentialOfABaseModelAndSoftmaxRunsAsWritten()
    {
        Utils.SetRandomSeed(3);
        var baseModel = Encoder("base");
        var model = new Sequential(baseModel, new Softmax());
        var logits = baseModel.Predict(X());
        var probabilities = model.Predict(X());
        for (int row = 0; row < 10; row++)
        {
            var z = logits.Data.AsSpan(row * 3, 3).ToArray();
            double sum = z.Sum(v => Math.Exp(v - z.Max()));
            for (int j = 0; j < 3; j++) Assert.Equal(Math.Exp(z[j] - z.Max()) / sum, probabilities.Data[row * 3 + j], 1e-5);
        }
        Assert.Equal(baseModel.Weights, model.Weights);
    }

    [Fact]
    public void TrainingTheOuterModelTrainsTheInnerOnesWeights()
    {
        Utils.SetRandomSeed(4);
        var (outer, inner, _) = OuterWithEncoder();
        var before = inner.GetWeights();
        outer.Compile("sgd", "mse");
        outer.TrainOnBatch(X(), GradientCheck.Random(5, -1, 1, 10, 2));
        Assert.All(inner.Weights.Zip(before), pair => Assert.NotEqual(pair.Second.Data, pair.First.Data));
    }

    [Fact]
    public void FreezingTheInnerModelFreezesAllItsWeightsAndComputesNoGradientForThem()
    {
        Utils.SetRandomSeed(5);
        var (outer, inner, head) = OuterWithEncoder();
        inner.Trainable = false;

        Assert.All(inner.Layers, layer => Assert.False(layer.Trainable));
        Assert.Empty(inner.TrainableWeights);
        Assert.Equal(head.Weights, outer.TrainableWeights);
        Assert.Equal(inner.Weights, outer.NonTrainableWeights);

        var innerBefore = inner.GetWeights();
        var headBefore = head.Kernel.Clone();
        outer.Compile("sgd", "mse");
        outer.Fit(X(), GradientCheck.Random(6, -1, 1, 10, 2), epochs: 2, batchSize: 5, verbose: 0);
        Assert.All(inner.Weights.Zip(innerBefore), pair => Assert.Equal(pair.Second.Data, pair.First.Data));
        Assert.All(inner.Weights, w => Assert.False(w.RequiresGrad));
        Assert.All(inner.Weights, w => Assert.Null(w.Grad));
        Assert.NotEqual(headBefore.Data, head.Kernel.Data);

        // Unfreezing gives every layer back to the optimizer, as Keras's model.trainable = True.
        inner.Trainable = true;
        Assert.Equal(inner.Weights.Count, inner.TrainableWeights.Count);
        Assert.Equal(outer.Weights.Count, outer.TrainableWeights.Count);
    }

    [Fact]
    public void FreezingAfterTrainingStartedTakesEffectAtTheNextStep()
    {
        Utils.SetRandomSeed(18);
        var (outer, inner, head) = OuterWithEncoder();
        outer.Compile("adam", "mse");
        var (x, y) = (X(), GradientCheck.Random(19, -1, 1, 10, 2));
        outer.Fit(x, y, epochs: 1, batchSize: 5, verbose: 0);

        inner.Trainable = false; // no Compile again
        var innerBefore = inner.GetWeights();
        var headBefore = head.Kernel.Clone();
        outer.Fit(x, y, epochs: 1, batchSize: 5, verbose: 0);
        Assert.All(inner.Weights.Zip(innerBefore), pair => Assert.Equal(pair.Second.Data, pair.First.Data));
        Assert.NotEqual(headBefore.Data, head.Kernel.Data);

        inner.Layers[1].Trainable = true; // one layer of the nested model unfrozen
        outer.Fit(x, y, epochs: 1, batchSize: 5, verbose: 0);
        Assert.NotEqual(innerBefore[0].Data, inner.Weights[0].Data);
        Assert.Equal(innerBefore[2].Data, inner.Weights[2].Data);
    }

    [Fact]
    public void TheSummaryShowsTheNestedModelAsOneRow()
    {
        Utils.SetRandomSeed(6);
        var (outer, inner, _) = OuterWithEncoder();
        inner.Trainable = false;
        string text = outer.Summary(TextWriter.Null);

        var row = Assert.Single(text.Split('\n'), line => line.StartsWith(" encoder (Functional)", StringComparison.Ordinal));
        Assert.Contains("(None, 3)", row);
        Assert.Contains(" 51 ", row); // 4·6 + 6 + 6·3 + 3
        Assert.DoesNotContain(inner.Layers[1].Name + " (Dense)", text);
        Assert.Contains("Trainable params: 8", text); // the head: 3·2 + 2
        Assert.Contains("Non-trainable params: 51", text);
    }

    [Fact]
    public void TheKerasConfigNestsTheInnerModelAsAFunctionalLayerAndRoundTrips()
    {
        Utils.SetRandomSeed(7);
        var (outer, inner, _) = OuterWithEncoder();
        inner.Trainable = false;
        var config = KerasModelJson.ToConfig(outer);

        var layers = (List<object?>)config.GetConfig("config")!["layers"]!;
        var nested = (Config)layers[1]!;
        Assert.Equal("Functional", nested.GetString("class_name", null));
        Assert.Equal("keras.src.models.functional", nested.GetString("module", null));
        Assert.Equal("encoder", nested.GetString("name", null));
        var nestedConfig = nested.GetConfig("config")!;
        Assert.False(nestedConfig.GetBool("trainable", true));
        Assert.Equal(3, ((List<object?>)nestedConfig["layers"]!).Count);

        string json = config.ToJsonString();
        var loaded = KerasModelJson.FromJson(json);
        Assert.Equal(json, KerasModelJson.ToJson(loaded));
        var loadedInner = Assert.IsAssignableFrom<Model>(loaded.Layers[1]);
        Assert.False(loadedInner.Trainable);
        Assert.All(loadedInner.Layers, l => Assert.False(l.Trainable));
        Assert.Equal(outer.CountParams(), loaded.CountParams());
    }

    [Fact]
    public void ASequentialNestedInAFunctionalModelRoundTripsThroughItsConfig()
    {
        Utils.SetRandomSeed(8);
        var block = new Sequential(new Dense(5, activation: "relu"), new Dense(3));
        var input = new Input([4]);
        var outer = new Model(input, new Softmax().Apply(block.Apply(input)));
        Assert.True(block.IsBuilt);

        var loaded = KerasModelJson.FromJson(KerasModelJson.ToJson(outer));
        Assert.IsType<Sequential>(loaded.Layers[1]);
        loaded.SetWeights(outer.GetWeights());
        Assert.Equal(outer.Predict(X()).Data, loaded.Predict(X()).Data);
    }

    [Fact]
    public void KerasFileRoundTripOfANestedModelGivesIdenticalPredictionsAndKeepsItFrozen()
    {
        using var folder = new TempFolder();
        Utils.SetRandomSeed(9);
        var (outer, inner, _) = OuterWithEncoder();
        inner.Trainable = false;
        outer.Compile("adam", "mse");
        outer.Fit(X(), GradientCheck.Random(10, -1, 1, 10, 2), epochs: 2, batchSize: 5, verbose: 0);
        string path = folder.File("nested.keras");
        outer.Save(path);

        var loaded = Model.Load(path);
        Assert.Equal(outer.Predict(X(11)).Data, loaded.Predict(X(11)).Data);
        Assert.False(loaded.Layers[1].Trainable);
        Assert.Equal(outer.TrainableWeights.Count, loaded.TrainableWeights.Count);
        // Weights follow Keras's nested paths, so a second instance of the architecture (other auto names) loads them.
        var other = OuterWithEncoder().Outer;
        other.LoadWeights(WeightsOf(loaded, folder));
        Assert.Equal(outer.Predict(X(11)).Data, other.Predict(X(11)).Data);
    }

    [Fact]
    public void ALegacyH5FileHoldsANestedModelAsOneLayerGroupAndLoadsBack()
    {
        using var folder = new TempFolder();
        Utils.SetRandomSeed(17);
        var baseModel = new Sequential(new Dense(5, activation: "relu", inputShape: [4]), new Dense(3));
        var model = new Sequential(baseModel, new Dense(2));
        string path = folder.File("nested.h5");
        model.Save(path);

        using (var file = Nabla.Serialization.Hdf5.Hdf5Reader.Open(path))
        {
            // Keras's layout: one group per layer of model.layers, the nested model's listing all its weights.
            string group = $"model_weights/{baseModel.Name}";
            Assert.Equal(baseModel.Weights.Select(w => w.Name), file.StringArrayAttribute(group, "weight_names"));
            Assert.True(file.Exists($"{group}/{baseModel.Weights[0].Name}"));
        }
        var loaded = Model.Load(path);
        Assert.Equal(model.Predict(X()).Data, loaded.Predict(X()).Data);
    }

    private static string WeightsOf(Model model, TempFolder folder)
    {
        string path = folder.File("nested.weights.h5");
        model.SaveWeights(path);
        return path;
    }

    [Fact]
    public void TheDoctorAndTheMissingGradientCheckSeeAFrozenNestedModel()
    {
        Utils.SetRandomSeed(13);
        var (outer, inner, _) = OuterWithEncoder();
        inner.Trainable = false;
        outer.Compile("adam", "mse");
        var missing = outer.FindMissingGradients();
        Assert.Equal(inner.Weights, missing.Select(m => m.Weight));
        Assert.All(missing, m => Assert.Equal(MissingGradientReason.Frozen, m.Reason));

        inner.Trainable = true;
        outer.Compile("adam", "mse");
        Assert.Empty(outer.FindMissingGradients());
        var doctor = new Nabla.Doctor.TrainingDoctor();
        outer.Fit(X(), GradientCheck.Random(14, -1, 1, 10, 2), epochs: 2, batchSize: 5, verbose: 0, callbacks: [doctor]);
        // The nested model is watched as one layer holding its layers' kernels.
        Assert.Contains(doctor.Diagnosis.Samples, s => s.Layer == "encoder" && s.KernelGradNorm > 0);
    }

    [Fact]
    public void ASteadyStateStepThroughANestedModelAllocatesNothing()
    {
        Utils.SetRandomSeed(15);
        var (outer, _, _) = OuterWithEncoder();
        outer.Compile("adam", "mse");
        long allocated = SteadyStateAllocation.OfTrainOnBatch(outer, X(), GradientCheck.Random(16, -1, 1, 10, 2));
        Assert.True(allocated == 0, $"20 steady-state steps allocated {allocated} bytes.");
    }

    [Fact]
    public void AModelWithTwoOutputsIsRefusedAsALayerByName()
    {
        var input = new Input([4]);
        var twoHeads = new Model(input, [new Dense(1).Apply(input), new Dense(2).Apply(input)], name: "two_heads");
        var e = Assert.Throws<NotSupportedException>(() => twoHeads.Apply(new Input([4])));
        Assert.Contains("two_heads", e.Message);
        Assert.Contains("2 outputs", e.Message);
    }

    [Fact]
    public void ANestedModelFedTheWrongShapeSaysWhichShapesItExpects()
    {
        var inner = Encoder("wrong_fed");
        var e = Assert.Throws<ArgumentException>(() => inner.Apply(new Input([5])));
        Assert.Contains("wrong_fed", e.Message);
        Assert.Contains("(None, 4)", e.Message);
        Assert.Contains("(None, 5)", e.Message);
    }

    /// <summary>Keras's transfer learning: <c>x = base_model(inputs, training=False)</c> keeps the pretrained base's batch
    /// normalization on its moving statistics (and its dropout off) while the head trains.</summary>
    [Fact]
    public void ABaseCalledWithTrainingFalseKeepsItsMovingStatisticsWhileTheHeadTrains()
    {
        Utils.SetRandomSeed(30);
        var pretrained = new Sequential([new Dense(6, inputShape: [4]), new BatchNormalization(), new Dropout(0.5)], "base");
        // Left trainable, so that only the call's training=False keeps batch normalization off its batch statistics.
        var input = new Input([4]);
        var model = new Model(input, new Dense(1).Apply(pretrained.Apply(input, training: false)));
        model.Compile("sgd", "mse");
        var before = pretrained.NonTrainableWeights.Select(w => w.Data.ToArray()).ToList();
        var x = GradientCheck.Random(31, -3, 3, 32, 4);
        model.Fit(x, GradientCheck.Random(32, -1, 1, 32, 1), epochs: 2, batchSize: 8, verbose: 0);
        Assert.Equal(before, pretrained.NonTrainableWeights.Select(w => w.Data.ToArray()).ToList());

        string json = KerasModelJson.ToJson(model);
        Assert.Contains("\"kwargs\":{\"training\":false}", json.Replace(" ", "").Replace("\n", ""));
        var rebuilt = KerasModelJson.FromJson(json);
        Assert.Equal(json, KerasModelJson.ToJson(rebuilt));
        // tf.keras writes the keyword in the inbound entry: [["input", 0, 0, {"training": false}]].
        var keras2 = KerasModelJson.FromJson("""
            {"class_name": "Functional", "config": {"name": "m", "layers": [
              {"class_name": "InputLayer", "config": {"batch_input_shape": [null, 4], "name": "in"}, "name": "in", "inbound_nodes": []},
              {"class_name": "Dropout", "config": {"name": "drop", "rate": 0.9}, "name": "drop", "inbound_nodes": [[["in", 0, 0, {"training": false}]]]}],
              "input_layers": [["in", 0, 0]], "output_layers": [["drop", 0, 0]]}}
            """);
        keras2.Compile("sgd", "mse");
        Assert.Equal(0.0, keras2.Fit(x, x, epochs: 1, batchSize: 8, verbose: 0)["loss"][0], 1e-6); // the 0.9 dropout never runs, even in Fit
        var refused = Assert.Throws<ArgumentException>(() => new Dense(2, name: "d").ApplyAll([new Input([4])], new Config { ["training"] = 1L }));
        Assert.Contains("call option 'training' must be true or false", refused.Message);
    }
}
