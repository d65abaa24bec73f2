using Nabla.Autograd;
using Nabla.Layers;
using Nabla.Losses;
using Nabla.Regularizers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Losses;

/// <summary>
/// Keras's TensorFlow backend computes a crossentropy from the logits behind a softmax or sigmoid output
/// (keras/src/backend/tensorflow/nn.py, <c>_get_logits</c>, reading the <c>_keras_logits</c> that
/// keras/src/activations/activations.py caches), so a probability beyond the 1e-7 clip still passes back p − t. A model
/// ending in softmax under a probability crossentropy must therefore train exactly as the same model ending in its logits
/// under the from-logits crossentropy, saturated or not; any other pairing keeps the clip.
/// </summary>
public class LogitsCrossentropyTests
{
    private const int Samples = 6, Features = 4, Classes = 3;

    private static readonly Tensor X = GradientCheck.Random(1, -1, 1, Samples, Features);
    private static readonly Tensor OneHot = new float[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 }, { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } };
    private static readonly Tensor Labels = Tensor.FromArray([0f, 1, 2, 0, 1, 2], Samples);

    /// <summary>A dense layer with <paramref name="activation"/> and the same seeded weights, times <paramref name="scale"/>.</summary>
    private static Dense Layer(string activation, double scale)
    {
        var layer = new Dense(Classes, activation: activation);
        layer.Build([Features]);
        var weights = GradientCheck.Random(2, -1, 1, Features, Classes);
        for (int i = 0; i < weights.Size; i++) layer.Kernel.Data[i] = (float)(weights.Data[i] * scale);
        for (int i = 0; i < Classes; i++) layer.Bias!.Data[i] = (float)(0.3 * scale * (i - 1));
        return layer;
    }

    /// <summary>The loss and the kernel's gradient for <paramref name="loss"/> on <paramref name="layer"/>'s output.</summary>
    private static (float Loss, float[] KernelGradient) LossAndGradient(Dense layer, Loss loss, Tensor targets, Func<Tensor, Tensor>? after = null)
    {
        layer.Kernel.Grad = null;
        var output = layer.Call(X, false);
        if (after is not null) output = after(output);
        var value = loss.Call(targets, output);
        value.Backward();
        return (value.Data[0], [.. layer.Kernel.Grad!.Data]);
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:G7}, got {actual[i]:G7}");
    }

    public static TheoryData<double> Scales => new() { 1.0, 60.0 };

    /// <summary>The loss and kernel gradient of a dense layer ending in <paramref name="activation"/> under
    /// <paramref name="loss"/> equal those of the same layer ending in its logits under <paramref name="fromLogits"/>.</summary>
    private static float AssertTrainsAsItsLogits(string activation, Loss loss, Loss fromLogits, Tensor targets, double scale,
        Func<Tensor, Tensor>? after = null)
    {
        var (value, gradient) = LossAndGradient(Layer(after is null ? activation : "linear", scale), loss, targets, after);
        var (logitsValue, logitsGradient) = LossAndGradient(Layer("linear", scale), fromLogits, targets);
        Assert.Equal(logitsValue, value, logitsValue * 1e-5);
        AssertClose(logitsGradient, gradient);
        return value;
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void A_softmax_output_under_categorical_crossentropy_trains_as_its_logits_under_from_logits(double scale)
    {
        float loss = AssertTrainsAsItsLogits("softmax", new CategoricalCrossentropy(), new CategoricalCrossentropy(fromLogits: true), OneHot, scale);
        // At scale 60 some wrong predictions are far past the clip: a clipped loss could not exceed −ln(1e-7) per sample.
        if (scale > 1) Assert.True(loss > -Math.Log(Loss.Epsilon), $"loss {loss} should exceed the clip's ceiling");
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void A_softmax_activation_layer_after_a_linear_dense_hands_its_logits_on_too(double scale)
    {
        var softmax = new Activation("softmax");
        AssertTrainsAsItsLogits("softmax", new CategoricalCrossentropy(), new CategoricalCrossentropy(fromLogits: true), OneHot, scale,
            y => softmax.Call(y, false));
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void Sparse_categorical_crossentropy_reads_the_softmax_logits(double scale) =>
        AssertTrainsAsItsLogits("softmax", new SparseCategoricalCrossentropy(), new SparseCategoricalCrossentropy(fromLogits: true), Labels, scale);

    [Theory]
    [MemberData(nameof(Scales))]
    public void Binary_crossentropy_reads_the_sigmoid_logits(double scale) =>
        AssertTrainsAsItsLogits("sigmoid", new BinaryCrossentropy(labelSmoothing: 0.1),
            new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.1), OneHot, scale);

    [Theory]
    [MemberData(nameof(Scales))]
    public void Binary_focal_crossentropy_reads_the_sigmoid_logits(double scale)
    {
        // keras/src/losses/losses.py computes its bce with ops.binary_crossentropy, which reads the sigmoid's cached logits;
        // the focal factor reads the probabilities, whose gradient reaches the logits through the sigmoid either way.
        float loss = AssertTrainsAsItsLogits("sigmoid", new BinaryFocalCrossentropy(applyClassBalancing: true, labelSmoothing: 0.1),
            new BinaryFocalCrossentropy(applyClassBalancing: true, fromLogits: true, labelSmoothing: 0.1), OneHot, scale);
        // At scale 60 some wrong predictions are far past the clip, whose ceiling per element is −ln(1e-7) times the
        // largest focal factor and balancing weight (1 and 0.75).
        if (scale > 1) Assert.True(loss > 0.75 * -Math.Log(Loss.Epsilon) / Classes, $"loss {loss} should exceed a third of the clip's ceiling");
    }

    [Theory]
    [MemberData(nameof(Scales))]
    public void Under_from_logits_a_softmax_output_is_read_through_to_its_logits_with_a_warning(double scale)
    {
        // Keras's TensorFlow backend (_get_logits): predictions from a softmax are not logits, so it reads the logits behind
        // them and warns "Was this intended?"; its JAX and PyTorch backends would apply the softmax twice.
        var told = new SparseCategoricalCrossentropy(fromLogits: true);
        string warning = StandardError.Capture(() =>
        {
            AssertTrainsAsItsLogits("softmax", told, new SparseCategoricalCrossentropy(fromLogits: true), Labels, scale);
            LossAndGradient(Layer("softmax", scale), told, Labels);
        });
        Assert.Single(warning.Split('\n', StringSplitOptions.RemoveEmptyEntries), line => line.Contains("Was this intended?"));
        Assert.Contains("reads the logits behind the softmax", warning);
        AssertTrainsAsItsLogits("sigmoid", new BinaryCrossentropy(fromLogits: true), new BinaryCrossentropy(fromLogits: true), OneHot, scale);
    }

    [Theory]
    [InlineData("sigmoid", "categorical_crossentropy")]
    [InlineData("softmax", "binary_crossentropy")]
    public void Other_pairings_keep_the_clip_and_pass_back_nothing_past_it(string activation, string lossName)
    {
        // Keras's categorical crossentropy looks for a softmax only, the binary one for a sigmoid only. The target class
        // (the last) sits past the clip in both outputs, and the other probabilities are 0 or 1 past it too (softmax) or
        // carry no target (sigmoid): the clipped loss is −ln(1e-7) and passes back nothing.
        var logits = Tensor.FromArray([0f, 40f, -40f], 1, 3).RequireGrad();
        var output = Nabla.Activations.Activation.Get(activation).Apply(logits);
        var loss = Loss.Get(lossName).Call(Tensor.FromArray([0f, 0, 1], 1, 3), output);
        loss.Backward();
        // Binary crossentropy averages three elements, two of them at the clip: t = 1 at p = 0 costs −ln ε, t = 0 at p = 1
        // costs −ln(1 − (1 − ε)) with 1 − ε rounded to float, as TensorFlow's float32 clip rounds it.
        double clipped = -Math.Log(Loss.Epsilon), high = 1f - Loss.Epsilon;
        double ceiling = lossName == "binary_crossentropy" ? (clipped - Math.Log(1 - high)) / 3 : clipped;
        Assert.Equal(ceiling, loss.Data[0], 1e-3);
        Assert.All(logits.Grad!.Data, g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Evaluation_without_recording_reads_the_same_logits()
    {
        var layer = Layer("softmax", 60);
        var (recorded, _) = LossAndGradient(layer, new CategoricalCrossentropy(), OneHot);
        using var _ = GradMode.NoGrad();
        float evaluated = new CategoricalCrossentropy().Call(OneHot, layer.Call(X, false)).Data[0];
        Assert.Equal(recorded, evaluated);
    }

    [Fact]
    public void A_second_backward_pass_does_not_add_the_first_ones_logits_gradient()
    {
        var layer = Layer("softmax", 1);
        var (_, first) = LossAndGradient(layer, new CategoricalCrossentropy(), OneHot);
        var (_, second) = LossAndGradient(layer, new CategoricalCrossentropy(), OneHot);
        Assert.Equal(first, second);
    }

    [Fact]
    public void The_logits_gradient_adds_to_what_reaches_the_output_through_its_softmax()
    {
        // An activity regularizer on the output reads the probabilities: its gradient goes through the softmax's
        // Jacobian, the loss's straight to the logits, and the layer's backward pass adds the two.
        Utils.SetRandomSeed(5);
        var layer = new Dense(Classes, activation: "softmax") { ActivityRegularizer = Regularizer.L1L2(0.0, 0.5) };
        layer.Build([Features]);
        var x = GradientCheck.Random(6, -1, 1, Samples, Features);
        GradientCheck.Check(t =>
        {
            layer.ClearActivityPenalties();
            var output = layer.CallWithMask(t[0], training: true);
            return Tensor.Add(new CategoricalCrossentropy().Call(OneHot, output), layer.PenaltyLosses().Single());
        }, [x, layer.Kernel, layer.Bias!]);
    }

    [Fact]
    public void A_classifier_started_past_the_clip_still_learns()
    {
        // Weights that put every wrong class past the clip from the first step: with the clip's zero gradient this model
        // could never move; from its logits it trains as torch's cross_entropy would.
        static Sequential Model()
        {
            var model = new Sequential(new Dense(Classes, activation: "softmax", inputShape: [Features]));
            model.Compile(new Nabla.Optimizers.SGD(0.5), "categorical_crossentropy");
            var saturated = Layer("softmax", 60);
            model.SetWeights([saturated.Kernel, saturated.Bias!]);
            return model;
        }
        var model = Model();
        double before = model.Evaluate(X, OneHot)["loss"];
        model.Fit(X, OneHot, epochs: 20, batchSize: Samples, verbose: 0);
        double after = model.Evaluate(X, OneHot)["loss"];
        Assert.True(before > 2 * -Math.Log(Loss.Epsilon), $"loss {before} should start past the clip");
        Assert.True(after < before - 5, $"the loss should fall from {before}, ended at {after}");
    }
}
