using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>The repairs that edit the layers of a functional model: one that is a plain chain (AUTOTRAINER's AlexNet,
/// written with Input and Model) is rebuilt as the Sequential model of the same layers first; one with branches gets
/// its normalization in front of its input by a rebuild call by call.</summary>
[Collection(DoctorCollection.Name)]
public class ChainRepairTests
{
    private static Experiment Published(string name) =>
        ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "published", name + ".json"));

    private static (Experiment e, string change) Apply(string fix, Experiment e)
    {
        var applied = Repairs.Apply(fix, e, e.BuildModel());
        Assert.NotNull(applied);
        return applied.Value;
    }

    private static long Parameters(Model m) => m.Layers.Sum(l => l.Weights.Sum(w => (long)w.Size));

    [Fact]
    public void A_functional_chain_is_the_sequential_model_of_its_layers()
    {
        var functional = Published("autotrainer-alexnet-fixed");
        Assert.False(functional.LayersAreAChain);
        var sequential = ChainAsSequential.Of(functional);
        Assert.NotNull(sequential);
        Assert.True(sequential.LayersAreAChain);
        var (a, b) = (functional.BuildModel(), sequential.BuildModel());
        Assert.Equal(a.OutputShape, b.OutputShape);
        Assert.Equal(Parameters(a), Parameters(b));
        Assert.Equal(a.Layers.Select(l => l.Name).Where(n => n != "input"), b.Layers.Select(l => l.Name).Where(n => n != "input"));
    }

    [Fact]
    public void A_linear_output_under_cross_entropy_gets_its_softmax_back()
    {
        var (repaired, change) = Apply(FixCodes.UseCrossEntropy, Published("autotrainer-alexnet-linear-output-buggy"));
        Assert.EndsWith(ChainAsSequential.Note, change);
        Assert.Contains("removed Activation layer(s) probabilities", change);
        var last = repaired.LayerConfigs()[^1];
        Assert.Equal("Dense", last.GetString("class_name"));
        Assert.Equal("softmax", last.GetConfig("config")!.GetString("activation"));
        Assert.Equal([10], repaired.BuildModel().OutputShape!);
    }

    [Fact]
    public void Raw_pixels_get_a_first_rescaling_layer_and_hidden_layers_a_batch_normalization()
    {
        var raw = Published("autotrainer-alexnet-raw-pixels-buggy");
        var (normalized, change) = Apply(FixCodes.NormalizeInputs, raw);
        Assert.StartsWith("first layer Rescaling(scale=1/255", change);
        Assert.Equal("Rescaling", normalized.LayerConfigs().Select(l => l.GetString("class_name")).First(c => c != "InputLayer"));
        Assert.Equal([10], normalized.BuildModel().OutputShape!);
        var (batchNormalized, _) = Apply(FixCodes.AddBatchNormalization, raw);
        Assert.Equal(7, batchNormalized.LayerConfigs().Count(l => l.GetString("class_name") == "BatchNormalization")); // 5 conv + 2 hidden Dense
    }

    [Fact]
    public void Readings_offset_far_from_zero_are_standardized_not_divided_by_their_maximum()
    {
        // Circles times 1,000 plus 5,000: divided by its maximum the data would stay in a narrow band near 0.8.
        var raw = Published("autotrainer-circles-raw-scale-buggy");
        Assert.True(System.Numerics.Tensors.TensorPrimitives.Min(raw.X.Data) > System.Numerics.Tensors.TensorPrimitives.Max(raw.X.Data) / 2);
        var (normalized, change) = Apply(FixCodes.NormalizeInputs, raw);
        Assert.Equal("first layer Normalization adapted to x (2 features)", change);
        var model = normalized.BuildModel();
        var first = Assert.IsType<Nabla.Layers.Normalization>(model.Layers[0]);
        var standardized = first.Call(raw.X, false);
        Assert.Equal(0.0, standardized.Data.Average(v => (double)v), 1e-3);
    }

    private static Experiment Synthetic(string name) => ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), name + ".json"));

    [Fact]
    public void A_model_with_branches_stays_functional_and_gets_a_batch_normalization_after_each_hidden_call()
    {
        var residual = Synthetic("functional-healthy-residual-mlp");
        Assert.Null(ChainAsSequential.Of(residual));
        var before = residual.BuildModel();
        var (normalized, change) = Apply(FixCodes.AddBatchNormalization, residual);
        Assert.StartsWith("BatchNormalization after 3 hidden layer call(s) (3 Dense), momentum ", change);
        Assert.EndsWith("; the functional model rebuilt call by call", change);
        Assert.False(normalized.LayersAreAChain);
        var after = normalized.BuildModel();
        Assert.Equal(before.OutputShapes, after.OutputShapes);
        var norms = after.Layers.OfType<Nabla.Layers.BatchNormalization>().ToList();
        Assert.Equal(3, norms.Count);
        Assert.All(norms, n => Assert.Equal(Repairs.BatchNormalizationMomentum(residual.TrainingSteps), n.Momentum, 1e-6));
        // h1 -> BN -> h2 -> BN -> h3 -> BN, the skip adds h1's normalized output, and the output Dense "classes" has none.
        Assert.Equal(["h1", "h2", "h3"], after.Layers.Where((l, i) => i + 1 < after.Layers.Count && after.Layers[i + 1] is Nabla.Layers.BatchNormalization).Select(l => l.Name));
        Assert.Equal(Parameters(before) + norms.Sum(Parameters), Parameters(after));
        // Normalized once, there is nothing more to add.
        Assert.Null(Repairs.Apply(FixCodes.AddBatchNormalization, normalized, after));
    }

    [Theory]
    [InlineData("functional-healthy-residual-mlp")]
    [InlineData("functional-healthy-two-output")]
    public void A_model_with_branches_gets_its_normalization_in_front_of_its_input(string name)
    {
        var e = Synthetic(name);
        var before = e.BuildModel();
        var (repaired, change) = Apply(FixCodes.NormalizeInputs, e);
        Assert.StartsWith("first layer Normalization adapted to x", change);
        Assert.False(repaired.LayersAreAChain);
        var after = repaired.BuildModel();
        Assert.Equal(before.Layers.Count + 1, after.Layers.Count);
        Assert.IsType<Nabla.Layers.Normalization>(after.Layers[1]);
        Assert.Equal(before.Layers.Skip(1).Select(l => l.Name), after.Layers.Skip(2).Select(l => l.Name));
        Assert.Equal(before.OutputShapes, after.OutputShapes);
        Assert.Equal(Parameters(before) + Parameters(after.Layers[1]), Parameters(after));
        // Repaired once, the model has its normalization: nothing more to add.
        Assert.Null(Repairs.Apply(FixCodes.NormalizeInputs, repaired, after));
    }

    /// <summary>The residual MLP with its output Dense made linear and followed by an Activation('linear') layer named
    /// "probabilities", and the extra layers given, listed after it.</summary>
    private static Experiment LinearOutputWithActivationLayer(params string[] extra)
    {
        var e = Synthetic("functional-healthy-residual-mlp");
        var model = e.Model.DeepClone();
        var config = model.GetConfig("config")!;
        var layers = (List<object?>)config["layers"]!;
        ((Configuration.Config)layers[^1]!).GetConfig("config")!["activation"] = "linear";
        layers.Add(Configuration.Config.Parse(
            """{"class_name": "Activation", "config": {"activation": "linear", "name": "probabilities"}, "name": "probabilities", "inbound_nodes": [[["classes", 0, 0, {}]]]}"""));
        layers.AddRange(extra.Select(Configuration.Config.Parse));
        config["output_layers"] = new List<object?> { new List<object?> { "probabilities", 0L, 0L } };
        return e with { Model = model };
    }

    [Fact]
    public void A_linear_output_with_an_activation_layer_in_a_model_with_branches_gets_its_softmax_on_that_layer()
    {
        var linear = LinearOutputWithActivationLayer();
        Assert.Null(ChainAsSequential.Of(linear));
        var (repaired, change) = Apply(FixCodes.UseCrossEntropy, linear);
        Assert.Contains("(set on Activation layer probabilities, classes linear)", change);
        var configs = repaired.LayerConfigs();
        Assert.Equal("softmax", configs[^1].GetConfig("config")!.GetString("activation"));
        Assert.Equal("linear", configs[^2].GetConfig("config")!.GetString("activation"));
        Assert.Equal(configs.Count, linear.LayerConfigs().Count);
        Assert.Equal([4], repaired.BuildModel().OutputShape!);
    }

    [Fact]
    public void The_output_activation_is_found_on_the_output_path_not_among_the_layers_listed_after_the_output_kernel()
    {
        // A branch off h2 that reaches no output, listed last: its Activation is not the output's.
        var linear = LinearOutputWithActivationLayer(
            """{"class_name": "Activation", "config": {"activation": "tanh", "name": "side"}, "name": "side", "inbound_nodes": [[["h2", 0, 0, {}]]]}""");
        var (repaired, change) = Apply(FixCodes.UseCrossEntropy, linear);
        Assert.Contains("(set on Activation layer probabilities, classes linear)", change);
        var activations = repaired.LayerConfigs().ToDictionary(l => l.GetString("name"), l => l.GetConfig("config")!.GetString("activation", null));
        Assert.Equal("softmax", activations["probabilities"]);
        Assert.Equal("tanh", activations["side"]);

        // An output that merges two branches after the last kernel layer has no one output kernel to edit: refused.
        var merged = LinearOutputWithActivationLayer(
            """{"class_name": "Add", "config": {"name": "merged"}, "name": "merged", "inbound_nodes": [[["probabilities", 0, 0, {}], ["classes", 0, 0, {}]]]}""",
            """{"class_name": "Activation", "config": {"activation": "linear", "name": "final"}, "name": "final", "inbound_nodes": [[["merged", 0, 0, {}]]]}""");
        var mergedConfig = merged.Model.GetConfig("config")!;
        mergedConfig["output_layers"] = new List<object?> { new List<object?> { "final", 0L, 0L } };
        Assert.Null(Repairs.Apply(FixCodes.UseCrossEntropy, merged, merged.BuildModel()));
    }

    [Fact]
    public void A_model_with_two_inputs_is_not_normalized_by_a_guess()
    {
        var e = Synthetic("functional-healthy-two-input");
        Assert.Null(Repairs.Apply(FixCodes.NormalizeInputs, e, e.BuildModel()));
    }

    private static long Parameters(Nabla.Layers.Layer l) => l.Weights.Sum(w => (long)w.Size);
}
