using Nabla.Configuration;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Losses;

using Nabla.Losses;

public class LossBehaviourTests
{
    private static float[] Softmax(float[] z, int width)
    {
        var p = new float[z.Length];
        for (int r = 0; r < z.Length / width; r++)
        {
            double max = double.NegativeInfinity, sum = 0;
            for (int j = 0; j < width; j++) max = Math.Max(max, z[r * width + j]);
            for (int j = 0; j < width; j++) sum += Math.Exp(z[r * width + j] - max);
            for (int j = 0; j < width; j++) p[r * width + j] = (float)(Math.Exp(z[r * width + j] - max) / sum);
        }
        return p;
    }

    [Fact]
    public void CrossentropyFromLogitsEqualsCrossentropyOfSoftmax()
    {
        var logits = GradientCheck.Random(1, -2, 2, 3, 4);
        var probabilities = Tensor.FromArray(Softmax(logits.Data, 4), 3, 4);
        Tensor oneHot = new float[,] { { 0, 1, 0, 0 }, { 0, 0, 0, 1 }, { 1, 0, 0, 0 } };
        Assert.Equal(new CategoricalCrossentropy().Call(oneHot, probabilities).Item(),
            new CategoricalCrossentropy(fromLogits: true).Call(oneHot, logits).Item(), 1e-5);
        Tensor labels = new float[] { 1, 3, 0 };
        Assert.Equal(new SparseCategoricalCrossentropy().Call(labels, probabilities).Item(),
            new SparseCategoricalCrossentropy(fromLogits: true).Call(labels, logits).Item(), 1e-5);
    }

    [Fact]
    public void BinaryCrossentropyFromLogitsEqualsCrossentropyOfSigmoid()
    {
        var logits = GradientCheck.Random(2, -3, 3, 4, 2);
        var probabilities = Tensor.FromArray(logits.Data.Select(z => (float)(1 / (1 + Math.Exp(-z)))).ToArray(), 4, 2);
        Tensor targets = new float[,] { { 0, 1 }, { 1, 1 }, { 0, 0 }, { 1, 0 } };
        Assert.Equal(new BinaryCrossentropy().Call(targets, probabilities).Item(),
            new BinaryCrossentropy(fromLogits: true).Call(targets, logits).Item(), 1e-5);
    }

    [Theory]
    [InlineData(3f, 1, "[0, 2]")]
    [InlineData(-1f, 0, "[0, 2]")]
    [InlineData(1.5f, 2, "[0, 2]")]
    public void SparseLabelsOutOfRangeThrowNamingLabelIndexAndRange(float bad, int index, string range)
    {
        var labels = new float[] { 0, 1, 2 };
        labels[index] = bad;
        var e = Assert.Throws<ArgumentException>(() =>
            new SparseCategoricalCrossentropy().Call(labels, new Tensor(3, 3)));
        Assert.Contains($"label {bad}", e.Message);
        Assert.Contains($"index {index}", e.Message);
        Assert.Contains(range, e.Message);
    }

    [Fact]
    public void MismatchedShapesThrowNamingBothShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Call(new Tensor(2, 3), new Tensor(2, 4)));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new CategoricalCrossentropy().Call(new Tensor(2), new Tensor(2, 4)));
        Assert.Contains("[2]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new SparseCategoricalCrossentropy().Call(new Tensor(3), new Tensor(2, 4)));
        Assert.Contains("[3]", e.Message);
        Assert.Contains("[2, 4]", e.Message);
    }

    public static TheoryData<string> EveryLoss() => new(Nabla.Losses.Loss.Registry.Names
        .Select(n => Nabla.Losses.Loss.Registry.ClassNameOf(n)).Distinct());

    [Theory]
    [MemberData(nameof(EveryLoss))]
    public void ForwardAndBackwardAllocateNothingAfterConstruction(string className)
    {
        var loss = Nabla.Losses.Loss.Get(className, className.Contains("Crossentropy") && className != "SparseCategoricalCrossentropy"
            ? new Config { ["label_smoothing"] = 0.1 } : null);
        Tensor yTrue = className == "SparseCategoricalCrossentropy"
            ? new float[] { 1, 0, 2, 3 }
            : new float[,] { { 0, 1, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
        var yPred = GradientCheck.Random(3, 0.1, 0.9, 4, 4).RequireGrad();
        var output = loss.Call(yTrue, yPred);
        output.Backward();
        var op = output.Creator!;
        op.Forward(); op.Backward();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 20; i++) { op.Forward(); op.Backward(); }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [InlineData("mse")]
    [InlineData("mean_squared_error")]
    [InlineData("MeanSquaredError")]
    public void RegistryAcceptsKerasSpellings(string name) => Assert.IsType<MeanSquaredError>(Nabla.Losses.Loss.Get(name));

    [Fact]
    public void UnknownLossListsValidNames()
    {
        var e = Assert.Throws<ArgumentException>(() => Nabla.Losses.Loss.Get("mean_sqared_error"));
        Assert.Contains("mean_sqared_error", e.Message);
        Assert.Contains("mean_squared_error", e.Message);
        Assert.Contains("categorical_crossentropy", e.Message);
    }

    public static TheoryData<Loss> NonDefaultLosses() => new(
        new MeanSquaredError(Loss.Sum, "my_mse"), new MeanAbsoluteError(), new MeanAbsolutePercentageError(),
        new MeanSquaredLogarithmicError(), new Huber(2.5), new LogCosh(), new KLDivergence(),
        new BinaryCrossentropy(true, 0.2), new CategoricalCrossentropy(true, 0.1), new SparseCategoricalCrossentropy(true),
        new Hinge(), new SquaredHinge(), new CategoricalHinge(), new Poisson(Loss.Sum), new CosineSimilarity(name: "cos"),
        new BinaryFocalCrossentropy(true, 0.4, 3.0, true, 0.1), new CategoricalFocalCrossentropy(0.5, 1.0, true, 0.2),
        new CategoricalFocalCrossentropy(classAlphas: [0.1, 0.2, 0.7]));

    [Theory]
    [MemberData(nameof(NonDefaultLosses))]
    public void ConfigRoundTrips(Loss loss)
    {
        var json = Nabla.Losses.Loss.Serialize(loss).ToJsonString();
        var rebuilt = Nabla.Losses.Loss.Deserialize(Config.Parse(json));
        Assert.Equal(loss.GetType(), rebuilt.GetType());
        Assert.Equal(json, Nabla.Losses.Loss.Serialize(rebuilt).ToJsonString());
    }

    [Fact]
    public void ConfigKeysAreKeras()
    {
        // keras/src/losses/losses.py: Loss.get_config gives name and reduction; crossentropies add from_logits,
        // label_smoothing and axis; sparse adds from_logits and ignore_class.
        Assert.Equal(["name", "reduction", "from_logits", "label_smoothing", "axis"], new CategoricalCrossentropy().GetConfig().Keys);
        Assert.Equal(["name", "reduction", "from_logits", "ignore_class"], new SparseCategoricalCrossentropy().GetConfig().Keys);
        var mse = new MeanSquaredError().GetConfig();
        Assert.Equal("mean_squared_error", mse["name"]);
        Assert.Equal("sum_over_batch_size", mse["reduction"]);
        // Keras's default instance name of Huber is "huber_loss" and its delta 1.0
        Assert.Equal("huber_loss", new Huber().Name);
        Assert.Equal(1.0, new Huber().Delta);
    }

    [Fact]
    public void ProbabilityAndCrossEntropyFlags()
    {
        Assert.True(new CategoricalCrossentropy().ExpectsProbabilities);
        Assert.False(new CategoricalCrossentropy(fromLogits: true).ExpectsProbabilities);
        Assert.True(new SparseCategoricalCrossentropy(fromLogits: true).IsCrossEntropy);
        Assert.True(new BinaryCrossentropy().ExpectsProbabilities);
        Assert.False(new MeanSquaredError().ExpectsProbabilities);
        Assert.False(new MeanSquaredError().IsCrossEntropy);
    }

    [Fact]
    public void NoneReductionIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => Nabla.Losses.Loss.Get("mse", new Config { ["reduction"] = "none" }));
        Assert.Contains("none", e.Message);
    }
}
