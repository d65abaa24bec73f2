using Nabla.Configuration;
using Nabla.Doctor;
using static Nabla.Tests.Doctor.CnnCases;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>The repairs rebuild convolutional experiments: each change is a config edit that trains.</summary>
[Collection(DoctorCollection.Name)]
public class ConvRepairTests
{
    private static Experiment SigmoidCnn(string bias = "\"zeros\"", double scale = 1) => Make(
        [Conv2D(8, "sigmoid", bias: bias, inputs: Image), Layer("MaxPooling2D", "\"pool_size\": [2, 2]"), Conv2D(8, "sigmoid", bias: bias),
         Layer("Flatten"), Dense(3, "softmax")],
        Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120, scale: scale), epochs: 1);

    private static (Experiment e, string change) Apply(string fix, Experiment e)
    {
        var applied = Repairs.Apply(fix, e, e.BuildModel());
        Assert.NotNull(applied);
        return applied.Value;
    }

    private static List<string> Classes(Experiment e) => e.LayerConfigs().Select(l => l.GetString("class_name")).ToList();

    private static Config LayerConfig(Experiment e, int index) => e.LayerConfigs()[index].GetConfig("config")!;

    [Fact]
    public void Add_batch_normalization_goes_right_after_each_hidden_conv()
    {
        var (repaired, change) = Apply(FixCodes.AddBatchNormalization, SigmoidCnn());
        Assert.Equal(["Conv2D", "BatchNormalization", "MaxPooling2D", "Conv2D", "BatchNormalization", "Flatten", "Dense"], Classes(repaired));
        Assert.Contains("2 Conv2D", change);
        var model = repaired.BuildModel();
        Assert.Equal([3], model.OutputShape!);
        Assert.Equal(8, model.Layers[1].Weights[0].Size); // one scale per filter: BatchNormalization over the channels
    }

    [Fact]
    public void Add_batch_normalization_after_a_channels_first_conv_normalizes_its_channels_on_axis_1()
    {
        const string first = "\"data_format\": \"channels_first\"";
        var e = Make(
            [Conv2D(5, "sigmoid", inputs: [2, 8, 8]).Replace("\"padding\"", first + ", \"padding\""),
             Layer("MaxPooling2D", "\"pool_size\": [2, 2], " + first), Layer("Flatten", first), Dense(6, "sigmoid"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120), epochs: 1);
        var (repaired, _) = Apply(FixCodes.AddBatchNormalization, e);
        Assert.Equal(["Conv2D", "BatchNormalization", "MaxPooling2D", "Flatten", "Dense", "BatchNormalization", "Dense"], Classes(repaired));
        Assert.Equal(1L, LayerConfig(repaired, 1)["axis"]);
        Assert.Equal(-1L, LayerConfig(repaired, 5)["axis"]);
        var model = repaired.BuildModel();
        Assert.Equal(5, model.Layers[1].Weights[0].Size); // one scale per filter, not per image column
        Assert.Equal(6, model.Layers[5].Weights[0].Size);
    }

    [Fact]
    public void Add_batch_normalization_lowers_the_momentum_for_a_run_too_short_for_keras_default()
    {
        // Keras's moving statistics keep momentum^steps of their start (mean 0, variance 1): 0.99^128 = 28%. The repair's
        // momentum leaves 1% of it at the end of the run: 0.01^(1/128) = 0.9647; from 459 steps on, 0.99 already does.
        Assert.Equal(0.9647, Repairs.BatchNormalizationMomentum(128), 1e-6);
        Assert.Equal(0.99, Repairs.BatchNormalizationMomentum(459), 1e-6);
        Assert.Equal(0.99, Repairs.BatchNormalizationMomentum(100_000), 1e-6);
        var e = SigmoidCnn();
        Assert.True(e.TrainingSteps < 459, $"{e.TrainingSteps} steps");
        var (repaired, change) = Apply(FixCodes.AddBatchNormalization, e);
        double momentum = LayerConfig(repaired, 1).GetDouble("momentum");
        Assert.Equal(Repairs.BatchNormalizationMomentum(e.TrainingSteps), momentum);
        Assert.True(momentum < 0.99);
        Assert.Contains($"momentum {momentum.ToString(System.Globalization.CultureInfo.InvariantCulture)} (Keras's 0.99 keeps", change);
        Assert.Equal(momentum, ((Nabla.Layers.BatchNormalization)repaired.BuildModel().Layers[1]).Momentum, 1e-6);
    }

    [Fact]
    public void Training_steps_count_the_batches_of_the_rows_before_the_validation_split()
    {
        // 100 rows, 20% held out as Keras does (int(100 * 0.8) = 80 train), batches of 32: 3 a epoch.
        var e = SigmoidCnn() with { X = Tensor.Zeros(100, 8, 8, 1), ValidationSplit = 0.2, BatchSize = 32, Epochs = 5 };
        Assert.Equal(15, e.TrainingSteps);
    }

    [Fact]
    public void Use_relu_he_init_switches_the_hidden_convs_and_resets_a_bias_chosen_for_sigmoid()
    {
        var (repaired, change) = Apply(FixCodes.UseReluHeInit, SigmoidCnn(bias: Constant(8)));
        foreach (int i in new[] { 0, 2 })
        {
            var conv = LayerConfig(repaired, i);
            Assert.Equal("relu", conv.GetString("activation"));
            Assert.Equal("HeUniform", conv.GetConfig("kernel_initializer")!.GetString("class_name"));
            Assert.Equal("Zeros", conv.GetConfig("bias_initializer")!.GetString("class_name"));
        }
        Assert.Equal("softmax", LayerConfig(repaired, 4).GetString("activation"));
        Assert.Contains("-> Zeros", change);
        ExperimentResult.Run(repaired);
    }

    [Fact]
    public void Use_relu_he_init_replaces_an_exponential_hidden_activation_and_says_which()
    {
        var e = Make([Conv2D(8, "exponential", inputs: Image), Layer("Flatten"), Dense(8, "tanh"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120), epochs: 1);
        var (repaired, change) = Apply(FixCodes.UseReluHeInit, e);
        Assert.Equal("relu", LayerConfig(repaired, 0).GetString("activation"));
        Assert.Equal("relu", LayerConfig(repaired, 2).GetString("activation"));
        Assert.StartsWith("hidden exponential/tanh -> relu with he_uniform", change);
    }

    [Fact]
    public void Fix_initialization_resets_a_conv_bias_of_minus_ten()
    {
        var e = Make([Conv2D(8, "relu", He, Constant(-10), Image), Layer("Flatten"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120), epochs: 1);
        var (repaired, change) = Apply(FixCodes.FixInitialization, e);
        Assert.Equal("Zeros", LayerConfig(repaired, 0).GetConfig("bias_initializer")!.GetString("class_name"));
        Assert.Equal("Conv2D #0: bias Constant(-10) -> Zeros", change);
    }

    [Fact]
    public void Normalize_inputs_rescales_raw_images_inside_the_model()
    {
        var (repaired, change) = Apply(FixCodes.NormalizeInputs, SigmoidCnn(scale: 255));
        Assert.Equal("Rescaling", Classes(repaired)[0]);
        Assert.StartsWith("first layer Rescaling", change);
        var result = ExperimentResult.Run(repaired);
        Assert.DoesNotContain(FindingCodes.UnnormalizedInputs, result.Diagnosis.ProblemCodes);
    }

    [Fact]
    public void Normalize_inputs_keeps_the_channels_of_channels_first_images()
    {
        // Two channels on very different scales, some values negative: a Normalization, per channel (axis 1), not per column.
        var x = Nabla.Tests.TestSupport.GradientCheck.Random(4, -1, 1, 120, 2, 8, 8);
        for (int n = 0; n < 120; n++)
            for (int i = 0; i < 64; i++) x.Data[(n * 2 + 1) * 64 + i] = 100 * x.Data[(n * 2 + 1) * 64 + i] + 50;
        var e = Make(
            [Conv2D(4, "relu", inputs: [2, 8, 8]).Replace("\"padding\"", "\"data_format\": \"channels_first\", \"padding\""),
             Layer("Flatten", "\"data_format\": \"channels_first\""), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120), epochs: 1) with { X = x };
        var (repaired, change) = Apply(FixCodes.NormalizeInputs, e);
        Assert.Equal("Normalization", Classes(repaired)[0]);
        Assert.Equal("first layer Normalization adapted to x (2 features)", change);
        var normalization = (Nabla.Layers.Normalization)repaired.BuildModel().Layers[0];
        Assert.Equal(1, normalization.Axis);
        Assert.Equal(50, normalization.Weights[0].Data[1], 0.5);
    }

    /// <summary>A depthwise convolution keeps its kernel's initializer under "depthwise_initializer" (Keras's key).</summary>
    private static Experiment DepthwiseCnn(string activation, string init) => Make(
        [Conv2D(4, activation, inputs: Image), Layer("DepthwiseConv2D", $"\"kernel_size\": [3, 3], \"padding\": \"same\", \"activation\": \"{activation}\", \"depthwise_initializer\": {init}"),
         Layer("Flatten"), Dense(3, "softmax")],
        Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120), epochs: 1);

    [Fact]
    public void Fix_initialization_reaches_a_depthwise_kernel()
    {
        var (repaired, change) = Apply(FixCodes.FixInitialization, DepthwiseCnn("relu", Normal(5)));
        Assert.Equal("HeUniform", LayerConfig(repaired, 1).GetConfig("depthwise_initializer")!.GetString("class_name"));
        Assert.False(LayerConfig(repaired, 1).ContainsKey("kernel_initializer"));
        Assert.Contains("RandomNormal -> he_uniform", change);
        Assert.Equal([3], repaired.BuildModel().OutputShape!);
    }

    [Fact]
    public void Use_relu_he_init_switches_a_sigmoid_depthwise_convolution()
    {
        var (repaired, _) = Apply(FixCodes.UseReluHeInit, DepthwiseCnn("sigmoid", "\"glorot_uniform\""));
        var depthwise = LayerConfig(repaired, 1);
        Assert.Equal("relu", depthwise.GetString("activation"));
        Assert.Equal("HeUniform", depthwise.GetConfig("depthwise_initializer")!.GetString("class_name"));
    }
}
