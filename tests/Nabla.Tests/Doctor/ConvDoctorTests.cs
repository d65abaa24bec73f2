using Nabla.Doctor;
using static Nabla.Tests.Doctor.CnnCases;
using static Nabla.Tests.Doctor.DoctorCases;
using ActivationFunction = Nabla.Activations.Activation;

namespace Nabla.Tests.Doctor;

/// <summary>The doctor's per-layer checks on convolutions, through the observation points: a filter is a unit (the
/// last axis) and each sample's position one of its responses.</summary>
[Collection(DoctorCollection.Name)]
public class ConvDoctorTests
{
    private static double Dead(float[] output, int units) => DeadUnitFraction.Of(Observation(output, output, units, "relu"));

    private static double Saturated(float[] z, int units) =>
        SaturationFraction.Of(Observation(z, z, units, "tanh"), 4, new DoctorThresholds().ConstantResponseShare, new float[z.Length / units]);

    private static LayerObservation Observation(float[] pre, float[] output, int units, string activation) => new()
    {
        Kernel = [1f], KernelBefore = [1f], Gradient = [0f], GradientMissing = false, PreActivation = pre, Output = output,
        Units = units, FanIn = 1, FanOut = 1, Activation = ActivationFunction.Get(activation),
    };

    [Fact]
    public void A_filter_is_dead_only_when_zero_at_every_position_of_every_sample()
    {
        // Two samples × three positions × two filters: filter 0 fires once (sample 1, position 2), filter 1 never.
        var output = new float[12];
        output[(1 * 3 + 2) * 2 + 0] = 0.5f;
        Assert.Equal(0.5, Dead(output, units: 2));
    }

    [Fact]
    public void Constant_input_responses_do_not_dilute_saturation()
    {
        // One filter: half its positions see blank background (the bit-identical bias 0.1), the others a stroke that
        // drives |z| to 9. Every response to content is saturated.
        var z = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 0.1f : 9f + i * 1e-3f).ToArray();
        Assert.Equal(1.0, Saturated(z, units: 1));
        // Distinct values (a Dense layer's samples) are all counted, as before.
        var distinct = Enumerable.Range(0, 200).Select(i => i % 2 == 0 ? 0.1f + i * 1e-4f : 9f + i * 1e-3f).ToArray();
        Assert.Equal(0.5, Saturated(distinct, units: 1));
        // A layer whose every response is constant is judged on all of them.
        Assert.Equal(1.0, Saturated(Enumerable.Repeat(8f, 50).ToArray(), units: 1));
    }

    [Fact]
    public void Finds_dead_filters_of_a_conv_whose_bias_starts_at_minus_ten_and_fixes_the_start_first()
    {
        var d = Diagnose(Make([Conv2D(8, "relu", He, Constant(-10), Image), Layer("Flatten"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(), epochs: 2));
        var dead = Single(d, FindingCodes.DeadRelu);
        Assert.Equal(1.0, Number(dead, "dead_fraction"));
        Assert.StartsWith("conv2d", dead.Layer);
        Assert.Equal(FixCodes.FixInitialization, dead.Fixes[0].Code);
    }

    [Fact]
    public void Watches_a_linear_conv_through_the_relu_layer_after_it()
    {
        var d = Diagnose(Make([Conv2D(8, "linear", He, Constant(-10), Image), Layer("ReLU"), Layer("Flatten"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(), epochs: 2));
        Assert.StartsWith("conv2d", Single(d, FindingCodes.DeadRelu).Layer);
    }

    [Fact]
    public void Judges_initialization_against_the_conv_fan_in()
    {
        // N(0, 1) is within 4x of Glorot for a Dense layer of 16 inputs, but a 3x3x16 convolution has fan-in 144
        // (Keras's fans: kernel area × channels), where N(0, 1) is 8x He's std.
        var d = Diagnose(Make([Conv2D(16, "relu", He, inputs: Image), Conv2D(16, "relu", Normal(1.0)), Layer("Flatten"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(), epochs: 1));
        var poor = d.Findings.Where(f => f.Code == FindingCodes.PoorInitialization).ToList();
        var finding = Assert.Single(poor);
        Assert.Equal(144, Number(finding, "fan_in"));
        Assert.Equal(144, Number(finding, "fan_out"));
        Assert.Equal(Math.Sqrt(2.0 / 144), Number(finding, "expected_std"), 1e-3);
    }

    [Fact]
    public void Finds_raw_pixels_saturating_tanh_feature_maps()
    {
        var d = Diagnose(Make([Conv2D(8, "tanh", inputs: Image), Conv2D(8, "tanh"), Layer("Flatten"), Dense(3, "softmax")],
            Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(scale: 255), epochs: 1));
        Single(d, FindingCodes.UnnormalizedInputs);
        Assert.True(Number(Single(d, FindingCodes.SaturatedActivations), "saturated_fraction") > 0.5);
    }

    [Fact]
    public void Finds_gradients_vanishing_across_a_plain_sigmoid_conv_stack()
    {
        string[] stack = [Conv2D(4, "sigmoid", inputs: Image), .. Enumerable.Repeat(Conv2D(4, "sigmoid"), 9), Layer("Flatten"), Dense(3, "softmax")];
        var d = Diagnose(Make(stack, Optimizer("SGD", 0.05), "categorical_crossentropy", Images(samples: 240), epochs: 1));
        var vanishing = Single(d, FindingCodes.VanishingGradients);
        Assert.StartsWith("conv2d", vanishing.Layer);
        Assert.True(Number(vanishing, "ratio") < 1e-3);
    }
}
