using Nabla.Data;
using Nabla.Layers;
using Nabla.Serialization.Safetensors;
using Nabla.Tests.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// <c>LoadWeights(path, skipMismatch, byName)</c>: Keras's <c>load_weights(filepath, skip_mismatch=False, by_name=...)</c>
/// (keras/src/saving/saving_api.py and legacy_h5_format.py), the transfer-learning load of a trained file into a model
/// whose head differs. Layers that do not fit keep their weights and are reported (and warned, as Keras warns);
/// by_name applies to legacy .h5 files only, as in Keras; a strict load still changes nothing when anything differs.
/// </summary>
public class PartialWeightsLoadingTests
{
    private const string Svhn = "svhn_grayscale_mlp_tfkeras2.2.4.h5";

    /// <summary>The fixture's MLP (1024-256-128-64-32 ReLU, Dropout between) with a new 4-class head named
    /// <paramref name="headName"/>.</summary>
    private static Sequential SvhnWithNewHead(string headName)
    {
        Utils.SetRandomSeed(11);
        var model = new Sequential(
            new Dense(256, activation: "relu", name: "dense_1"), new Dropout(0.2, name: "dropout_1"),
            new Dense(128, activation: "relu", name: "dense_2"), new Dropout(0.2, name: "dropout_2"),
            new Dense(64, activation: "relu", name: "dense_3"), new Dropout(0.2, name: "dropout_3"),
            new Dense(32, activation: "relu", name: "dense_4"), new Dropout(0.2, name: "dropout_4"),
            new Dense(4, activation: "softmax", name: headName));
        model.Build([1024]);
        return model;
    }

    private static float[] Values(Layer layer, int weight = 0) => layer.Weights[weight].Data.AsSpan(0, layer.Weights[weight].Size).ToArray();

    [Fact]
    public void A_real_tf_keras_file_loads_into_a_new_head_model_in_order_skipping_the_head_that_does_not_fit()
    {
        var trained = Model.Load(KerasFixtures.File(Svhn));
        var model = SvhnWithNewHead("dense_5");
        var head = Values(model.GetLayer("dense_5"));

        var strict = Assert.Throws<DataFormatException>(() => model.LoadWeights(KerasFixtures.File(Svhn)));
        Assert.Contains("expected [32, 4]", strict.Message);
        Assert.Contains("found [32, 10]", strict.Message);
        Assert.NotEqual(Values(trained.GetLayer("dense_1")), Values(model.GetLayer("dense_1")));

        var report = model.LoadWeights(KerasFixtures.File(Svhn), skipMismatch: true);
        Assert.Equal(["dense_1", "dense_2", "dense_3", "dense_4"], report.LoadedLayers);
        var skipped = Assert.Single(report.SkippedLayers);
        Assert.Equal("dense_5", skipped.Name);
        Assert.Contains("expected [32, 4]", skipped.Reason);
        Assert.False(report.Complete);
        foreach (string name in report.LoadedLayers)
        {
            Assert.Equal(Values(trained.GetLayer(name)), Values(model.GetLayer(name)));
            Assert.Equal(Values(trained.GetLayer(name), 1), Values(model.GetLayer(name), 1));
        }
        Assert.Equal(head, Values(model.GetLayer("dense_5")));
    }

    [Fact]
    public void By_name_a_legacy_file_fills_the_layers_it_names_and_reports_the_rest()
    {
        var trained = Model.Load(KerasFixtures.File(Svhn));
        var model = SvhnWithNewHead("classifier");
        var head = Values(model.GetLayer("classifier"));

        var report = model.LoadWeights(KerasFixtures.File(Svhn), byName: true);
        Assert.Equal(["dense_1", "dense_2", "dense_3", "dense_4"], report.LoadedLayers);
        Assert.Equal("classifier", Assert.Single(report.SkippedLayers).Name);
        Assert.Contains("dense_5", report.UnexpectedLayers);
        Assert.Equal(Values(trained.GetLayer("dense_4")), Values(model.GetLayer("dense_4")));
        Assert.Equal(head, Values(model.GetLayer("classifier")));

        // A same-named layer of another shape fails a strict by-name load and is skipped with skipMismatch (Keras's rule).
        var mismatched = SvhnWithNewHead("dense_5");
        var before = Values(mismatched.GetLayer("dense_1"));
        var e = Assert.Throws<DataFormatException>(() => mismatched.LoadWeights(KerasFixtures.File(Svhn), byName: true));
        Assert.Contains("No weight was changed", e.Message);
        Assert.Equal(before, Values(mismatched.GetLayer("dense_1")));
        var skipping = mismatched.LoadWeights(KerasFixtures.File(Svhn), skipMismatch: true, byName: true);
        Assert.Equal("dense_5", Assert.Single(skipping.SkippedLayers).Name);
        Assert.Equal(4, skipping.LoadedLayers.Count);
    }

    [Fact]
    public void A_keras_3_weights_file_skips_missing_and_mismatched_layers_and_ignores_extra_ones()
    {
        Utils.SetRandomSeed(3);
        var source = new Sequential(new Dense(8, activation: "relu"), new Dense(3), new Dense(2));
        source.Build([4]);
        using var folder = new TempFolder();
        string path = folder.File("m.weights.h5");
        source.SaveWeights(path);

        // Keras 3 addresses layers by class and position: dense, dense_1, dense_2. This model's dense_1 is wider and it
        // has no dense_2; it has a batch normalization the file lacks.
        var target = new Sequential(new Dense(8, activation: "relu"), new Dense(5), new BatchNormalization());
        target.Build([4]);
        var wide = Values(target.Layers[1]);
        var strict = Assert.Throws<DataFormatException>(() => target.LoadWeights(path));
        Assert.Contains("m.weights.h5", strict.Message);
        Assert.Contains("unexpected 'layers/dense_2/vars'", strict.Message);
        Assert.Contains("missing 'layers/batch_normalization/vars'", strict.Message);

        var report = target.LoadWeights(path, skipMismatch: true);
        Assert.Equal([target.Layers[0].Name], report.LoadedLayers);
        Assert.Equal(new[] { target.Layers[1].Name, target.Layers[2].Name }.Order(), report.SkippedLayers.Select(s => s.Name).Order());
        Assert.Equal(["dense_2"], report.UnexpectedLayers);
        Assert.Equal(Values(source.Layers[0]), Values(target.Layers[0]));
        Assert.Equal(wide, Values(target.Layers[1]));
    }

    [Fact]
    public void The_weights_of_a_real_keras_archive_load_into_a_model_built_here()
    {
        const string cnn = "mnist_cnn_k3.15.1.keras";
        string config = Nabla.Serialization.KerasModelJson.ToJson(Model.Load(KerasFixtures.File(cnn)));
        Utils.SetRandomSeed(8);
        var model = Nabla.Serialization.KerasModelJson.FromJson(config);
        var report = model.LoadWeights(KerasFixtures.File(cnn));
        Assert.True(report.Complete);
        KerasFixtures.AssertPredicts(model, cnn);
    }

    /// <summary>A .keras archive far larger than the model (what its own weights bound a strict load by) loads with
    /// skipMismatch when its weights entry is stored uncompressed, as Keras writes it: the archive's length bounds it.</summary>
    [Fact]
    public void A_much_larger_keras_archive_loads_into_a_small_model_when_skipping()
    {
        Utils.SetRandomSeed(5);
        var source = new Sequential(new Dense(8, activation: "relu"), new Dense(100_000), new Dense(2));
        source.Build([4]);
        using var folder = new TempFolder();
        string path = folder.File("large.keras");
        source.Save(path);
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
        {
            var entry = zip.GetEntry("model.weights.h5")!;
            Assert.True(entry.Length > 3_000_000, $"{entry.Length} bytes");
            Assert.Equal(entry.Length, entry.CompressedLength);
        }

        var target = new Sequential(new Dense(8, activation: "relu"), new Dense(5), new Dense(2));
        target.Build([4]);
        var strict = Assert.Throws<DataFormatException>(() => target.LoadWeights(path));
        Assert.Contains("what this model can need", strict.Message);
        var report = target.LoadWeights(path, skipMismatch: true);
        Assert.Equal([target.Layers[0].Name], report.LoadedLayers);
        Assert.Equal(Values(source.Layers[0]), Values(target.Layers[0]));
    }

    [Fact]
    public void A_compiled_model_loads_a_partial_file_without_the_optimizers_state()
    {
        Utils.SetRandomSeed(4);
        var source = new Sequential(new Dense(6, activation: "relu"), new Dense(3));
        source.Compile(new Nabla.Optimizers.Adam(), "mse");
        source.Fit(GradientCheck.Random(1, -1, 1, 16, 4), GradientCheck.Random(2, -1, 1, 16, 3), epochs: 1, verbose: 0);
        using var folder = new TempFolder();
        string path = folder.File("trained.weights.h5");
        source.SaveWeights(path);

        var target = new Sequential(new Dense(6, activation: "relu"), new Dense(2));
        target.Compile(new Nabla.Optimizers.Adam(), "mse");
        target.Build([4]);
        var report = target.LoadWeights(path, skipMismatch: true);
        Assert.Single(report.LoadedLayers);
        Assert.Equal(0, target.Optimizer!.Iterations);
        Assert.Equal(Values(source.Layers[0]), Values(target.Layers[0]));
    }

    [Fact]
    public void Safetensors_skip_the_layers_they_do_not_fit()
    {
        Utils.SetRandomSeed(5);
        var source = new Sequential(new Dense(8), new Dense(3));
        source.Build([4]);
        using var folder = new TempFolder();
        string path = folder.File("w.safetensors");
        source.SaveWeights(path);
        var target = new Sequential(new Dense(8), new Dense(7));
        target.Build([4]);

        var e = Assert.Throws<DataFormatException>(() => target.LoadWeights(path));
        Assert.Contains("'dense_1/kernel' expected [8, 7], found [8, 3]", e.Message);
        var report = target.LoadWeights(path, skipMismatch: true);
        Assert.Equal([target.Layers[0].Name], report.LoadedLayers);
        Assert.Equal(Values(source.Layers[0]), Values(target.Layers[0]));
        Assert.NotNull(SafetensorsFile.Read(path));
    }

    [Fact]
    public void A_file_nothing_of_the_model_matches_is_refused_even_when_skipping()
    {
        Utils.SetRandomSeed(6);
        var source = new Sequential(new Dense(8), new Dense(3));
        source.Build([4]);
        using var folder = new TempFolder();
        string path = folder.File("w.h5");
        KerasTwoWeightsFile.Write(source, path);
        var other = new Sequential(new Dense(9, name: "p"), new Dense(2, name: "q"));
        other.Build([5]);
        var e = Assert.Throws<DataFormatException>(() => other.LoadWeights(path, skipMismatch: true));
        Assert.Contains("no layer of model", e.Message);
        e = Assert.Throws<DataFormatException>(() => other.LoadWeights(path, byName: true));
        Assert.Contains("no layer of model", e.Message);
    }

    [Theory]
    [InlineData("m.weights.h5")]
    [InlineData("m.safetensors")]
    [InlineData("m.weights.json")]
    public void By_name_is_for_legacy_h5_files_only_as_in_keras(string name)
    {
        var model = new Sequential(new Dense(2));
        model.Build([3]);
        var e = Assert.Throws<ArgumentException>(() => model.LoadWeights(name, byName: true));
        Assert.Contains("legacy", e.Message);
    }
}
