using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Serialization;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>add_skip_connections: suggested first for vanishing gradients in a deep plain stack, and a repair that
/// rebuilds the stack as a functional model with an identity shortcut (Add) every two kernel layers where shapes match.</summary>
[Collection(DoctorCollection.Name)]
public class SkipConnectionRepairTests
{
    /// <summary>20 Dense(64, tanh) with Keras 1's RandomNormal(0.05) kernels under SGD(0.1): each layer scales the
    /// gradient by about 0.05·√64 = 0.4, so the first layer gets ~1e-5 of the last one's.</summary>
    private static Experiment DeepPlainTanh(int epochs = 6)
    {
        var layers = new List<string> { Dense(64, "tanh", Normal(0.05), inputs: 20) };
        for (int i = 1; i < 20; i++) layers.Add(Dense(64, "tanh", Normal(0.05)));
        layers.Add(Dense(4, "softmax"));
        return Make([.. layers], Optimizer("SGD", 0.1), "sparse_categorical_crossentropy", Classification(seed: 25), epochs);
    }

    /// <summary>The kernel layers' names in call order (the config gives no names, so each build draws new ones).</summary>
    private static List<string> KernelLayerNames(Model model) =>
        model.Functional!.Nodes.Where(n => n.Layer.Kernels.Count > 0).Select(n => n.Layer.Name).ToList();

    [Fact]
    public void Is_a_known_fix_code_with_a_description()
    {
        Assert.Equal("add_skip_connections", FixCodes.AddSkipConnections);
        Assert.Contains(FixCodes.AddSkipConnections, FixCodes.All);
        Assert.Contains("Add", FixCodes.Make(FixCodes.AddSkipConnections).Description);
    }

    [Fact]
    public void The_rebuilt_model_adds_an_Add_every_two_layers_where_the_shapes_match_and_keeps_every_weight()
    {
        var e = DeepPlainTanh();
        var plain = e.BuildModel();
        var (changed, change) = Repairs.Apply(FixCodes.AddSkipConnections, e, plain)!.Value;
        var residual = changed.BuildModel();

        Assert.Equal("Functional", residual.ClassName);
        // Dense 1 changes the width (20 -> 64), so blocks start after it: dense 2+3, 4+5, ..., 18+19; dense 20 and the
        // output stay plain. 9 blocks.
        var adds = residual.Functional!.Nodes.Where(n => n.Layer is Add).ToList();
        Assert.Equal(9, adds.Count);
        Assert.All(adds, n => Assert.Equal(2, n.Inputs.Count));
        Assert.Contains("9 identity shortcut(s)", change);
        Assert.Equal(plain.CountParams(), residual.CountParams());
        Assert.Equal(20 * 64 + 64 + 19 * (64 * 64 + 64) + 64 * 4 + 4, residual.CountParams());
        // The first shortcut spans dense 2 and 3: it adds dense 1's output to dense 3's.
        var chain = KernelLayerNames(residual);
        Assert.Equal([chain[0], chain[2]], adds[0].Inputs.Select(t => t.Name));
        // Activations and initializers are the layers' own.
        Assert.All(residual.Layers.Where(l => l.Kernels.Count > 0).SkipLast(1), l =>
        {
            var config = l.GetConfig();
            Assert.Equal("tanh", config.GetString("activation"));
            Assert.Equal("RandomNormal", config.GetConfig("kernel_initializer")!.GetString("class_name"));
        });
        // The config round-trips through Keras JSON.
        Assert.Equal(9, KerasModelJson.FromJson(KerasModelJson.ToJson(residual)).Layers.Count(l => l is Add));
    }

    [Fact]
    public void Layers_that_change_the_shape_stay_plain_and_a_model_with_merges_is_left_alone()
    {
        // 32 -> 16 -> 16 -> 8 -> 8 -> 8 -> output: only the two 8-wide layers after the 16 -> 8 one form a block.
        var e = Make([Dense(32, "tanh", inputs: 20), Dense(16, "tanh"), Dense(16, "tanh"), Dense(8, "tanh"), Dense(8, "tanh"), Dense(8, "tanh"),
            Dense(4, "softmax")], "\"adam\"", "sparse_categorical_crossentropy", Classification(samples: 64), epochs: 1);
        var (changed, _) = Repairs.Apply(FixCodes.AddSkipConnections, e, e.BuildModel())!.Value;
        var residual = changed.BuildModel();
        var add = Assert.Single(residual.Functional!.Nodes, n => n.Layer is Add);
        var chain = KernelLayerNames(residual);
        Assert.Equal([chain[3], chain[5]], add.Inputs.Select(t => t.Name));

        Assert.Null(Repairs.Apply(FixCodes.AddSkipConnections, changed, residual));
    }

    [Fact]
    public void A_plain_conv_stack_gets_shortcuts_between_convolutions_that_keep_the_shape()
    {
        // 1 -> 8 channels (a block starts after it), then 8 -> 8 convolutions in pairs; pooling halves the map and starts
        // a new block; Flatten and the output stay plain.
        var e = Make([CnnCases.Conv2D(8, "sigmoid", inputs: CnnCases.Image), CnnCases.Conv2D(8, "sigmoid"), CnnCases.Conv2D(8, "sigmoid"),
            CnnCases.Layer("MaxPooling2D", "\"pool_size\": [2, 2]"), CnnCases.Conv2D(8, "sigmoid"), CnnCases.Conv2D(8, "sigmoid"),
            CnnCases.Layer("Flatten"), Dense(3, "softmax")], "\"adam\"", "categorical_crossentropy", CnnCases.Images(samples: 64), epochs: 1);
        var plain = e.BuildModel();
        var residual = Repairs.Apply(FixCodes.AddSkipConnections, e, plain)!.Value.experiment.BuildModel();
        var adds = residual.Functional!.Nodes.Where(n => n.Layer is Add).ToList();
        Assert.Equal(2, adds.Count);
        var convs = KernelLayerNames(residual);
        Assert.Equal([convs[0], convs[2]], adds[0].Inputs.Select(t => t.Name));
        Assert.Equal("MaxPooling2D", adds[1].Inputs[0].Layer.ClassName);
        Assert.Equal(convs[4], adds[1].Inputs[1].Name);
        Assert.Equal(plain.CountParams(), residual.CountParams());
    }

    [Fact]
    public void A_deep_plain_tanh_net_is_diagnosed_and_repaired_by_skip_connections_with_a_measured_gain()
    {
        var report = TrainingDoctor.Repair(DeepPlainTanh());
        var vanishing = Single(report.Original.Diagnosis, FindingCodes.VanishingGradients);
        Assert.Equal(FixCodes.AddSkipConnections, vanishing.Fixes[0].Code);
        Assert.True(report.Succeeded, string.Join("\n", report.Attempts));
        Assert.Equal([FixCodes.AddSkipConnections], report.AppliedFixes);
        // Measured: validation accuracy 26.7% -> 100% (chance is 25% over 4 classes).
        Assert.True(report.Original.Score < 0.4, $"before {report.Original.Score}");
        Assert.True(report.Best.Score > 0.9, $"after {report.Best.Score}");
        Assert.Contains(report.MeasuredCosts, c => c.Finding == FindingCodes.VanishingGradients && c.Fix == FixCodes.AddSkipConnections);
    }

    [Fact]
    public void A_shallow_stack_is_not_offered_skip_connections()
    {
        var d = Diagnose(Make([Dense(32, "sigmoid", inputs: 20), .. Enumerable.Repeat(Dense(32, "sigmoid"), 7), Dense(4, "softmax")],
            Optimizer("SGD", 0.01), "sparse_categorical_crossentropy", Classification(seed: 25)));
        Assert.DoesNotContain(FixCodes.AddSkipConnections, Single(d, FindingCodes.VanishingGradients).Fixes.Select(f => f.Code));
    }
}
