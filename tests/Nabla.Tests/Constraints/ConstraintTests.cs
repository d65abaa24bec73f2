using Nabla.Configuration;
using Nabla.Constraints;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Constraints;

/// <summary>Keras's weight constraints (keras/src/constraints/constraints.py): the projections, their defaults, their
/// configs, and their application after every optimizer step.</summary>
public class ConstraintTests
{
    private static double[] ColumnNorms(Tensor kernel) =>
        Enumerable.Range(0, kernel.Shape[1]).Select(c => Math.Sqrt(Enumerable.Range(0, kernel.Shape[0]).Sum(r => Math.Pow(kernel.Data[r * kernel.Shape[1] + c], 2)))).ToArray();

    [Fact]
    public void KerasDefaults()
    {
        // constraints.py: MaxNorm(max_value=2, axis=0), UnitNorm(axis=0), MinMaxNorm(min_value=0.0, max_value=1.0, rate=1.0, axis=0).
        var maxNorm = (MaxNorm)Constraint.Get("max_norm");
        Assert.Equal((2.0, 0), (maxNorm.MaxValue, maxNorm.Axis.Single()));
        Assert.Equal(0, ((UnitNorm)Constraint.Get("unit_norm")).Axis.Single());
        var minMax = (MinMaxNorm)Constraint.Get("MinMaxNorm");
        Assert.Equal((0.0, 1.0, 1.0, 0), (minMax.MinValue, minMax.MaxValue, minMax.Rate, minMax.Axis.Single()));
        Assert.IsType<NonNeg>(Constraint.Get("non_neg"));
    }

    [Fact]
    public void ProjectionsFollowKerasFormulas()
    {
        // Columns of norm 5 (3, 4) and 0.5 (0.3, 0.4).
        Tensor Kernel() => Tensor.FromArray([3f, 0.3f, 4f, 0.4f], 2, 2);
        var capped = Kernel();
        new MaxNorm(2).Apply(capped);
        Assert.Equal([2 * 5 / (5 + 1e-7), 0.5 * 0.5 / (0.5 + 1e-7)], ColumnNorms(capped), new Nabla.Tests.Layers.ToleranceComparer(1e-6));
        var unit = Kernel();
        new UnitNorm().Apply(unit);
        Assert.Equal([1.0, 1.0], ColumnNorms(unit), new Nabla.Tests.Layers.ToleranceComparer(1e-6));
        var halfway = Kernel();
        new MinMaxNorm(1, 2, rate: 0.5).Apply(halfway);
        // rate·clip(‖w‖, 1, 2) + (1 − rate)·‖w‖: 0.5·2 + 0.5·5 = 3.5 and 0.5·1 + 0.5·0.5 = 0.75.
        Assert.Equal([3.5, 0.75], ColumnNorms(halfway), new Nabla.Tests.Layers.ToleranceComparer(1e-6));
        var signs = Tensor.FromArray([-1f, 2f, -0.5f, 0f], 4);
        new NonNeg().Apply(signs);
        Assert.Equal([0f, 2f, 0f, 0f], signs.Data);
        // Over several axes, as Keras advises for a convolution kernel [kh, kw, in, out]: one norm per filter.
        var conv = GradientCheck.Random(1, -1, 1, 2, 2, 3, 4);
        new UnitNorm([0, 1, 2]).Apply(conv);
        for (int f = 0; f < 4; f++)
            Assert.Equal(1.0, Math.Sqrt(Enumerable.Range(0, 12).Sum(i => Math.Pow(conv.Data[i * 4 + f], 2))), 1e-5);
    }

    [Fact]
    public void TrainingAppliesThemAfterEveryStep()
    {
        Utils.SetRandomSeed(2);
        var dense = new Dense(3, inputShape: [4]) { KernelConstraint = new MaxNorm(0.5), BiasConstraint = new NonNeg() };
        var model = new Sequential(dense, new Dense(1));
        model.Compile(new Nabla.Optimizers.SGD(learningRate: 0.5), "mse");
        var x = GradientCheck.Random(3, -2, 2, 32, 4);
        var y = GradientCheck.Random(4, -5, 5, 32, 1);
        model.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0);
        Assert.All(ColumnNorms(dense.Kernel), n => Assert.True(n <= 0.5 + 1e-6, $"column norm {n}"));
        Assert.All(dense.Bias!.Data, b => Assert.True(b >= 0));
        // Without the constraint the same training leaves the norms far above it.
        Utils.SetRandomSeed(2);
        var free = new Dense(3, inputShape: [4]);
        var unconstrained = new Sequential(free, new Dense(1));
        unconstrained.Compile(new Nabla.Optimizers.SGD(learningRate: 0.5), "mse");
        unconstrained.Fit(x, y, epochs: 3, batchSize: 8, verbose: 0);
        Assert.Contains(ColumnNorms(free.Kernel), n => n > 0.6);
    }

    [Fact]
    public void LayerConfigsReadAndWriteThem()
    {
        var dense = (Dense)Layer.Deserialize(Config.Parse(
            """{"class_name": "Dense", "config": {"units": 4, "kernel_constraint": {"class_name": "MaxNorm", "config": {"max_value": 3, "axis": 0}}, "bias_constraint": "non_neg"}}"""));
        Assert.Equal(3.0, ((MaxNorm)dense.KernelConstraint!).MaxValue);
        Assert.IsType<NonNeg>(dense.BiasConstraint);
        var written = dense.GetConfig();
        Assert.Equal("MaxNorm", ((Config)written["kernel_constraint"]!).GetString("class_name"));
        var conv = new Conv2D(2, 3) { KernelConstraint = new UnitNorm([0, 1, 2]) };
        var rebuilt = (Conv2D)Layer.Deserialize(Registry<Layer>.Serialize(conv));
        Assert.Equal([0, 1, 2], ((UnitNorm)rebuilt.KernelConstraint!).Axis);
        Assert.Contains("max_value", Assert.Throws<ArgumentException>(() => new MaxNorm(-1)).Message);
    }
}

/// <summary>Every layer with weights reads, writes and applies its constraints under Keras's keys.</summary>
public class LayerConstraintKeyTests
{
    [Theory]
    [InlineData("""{"class_name": "Embedding", "config": {"input_dim": 5, "output_dim": 2, "embeddings_constraint": "non_neg"}}""", "embeddings_constraint", new[] { 3 })]
    [InlineData("""{"class_name": "BatchNormalization", "config": {"gamma_constraint": "non_neg", "beta_constraint": "non_neg"}}""", "gamma_constraint", new[] { 3 })]
    [InlineData("""{"class_name": "LayerNormalization", "config": {"beta_constraint": "non_neg"}}""", "beta_constraint", new[] { 3 })]
    [InlineData("""{"class_name": "LSTM", "config": {"units": 2, "recurrent_constraint": "non_neg"}}""", "recurrent_constraint", new[] { 4, 3 })]
    [InlineData("""{"class_name": "DepthwiseConv2D", "config": {"kernel_size": 2, "depthwise_constraint": "non_neg"}}""", "depthwise_constraint", new[] { 4, 4, 3 })]
    [InlineData("""{"class_name": "SeparableConv2D", "config": {"filters": 2, "kernel_size": 2, "pointwise_constraint": "non_neg"}}""", "pointwise_constraint", new[] { 4, 4, 3 })]
    [InlineData("""{"class_name": "PReLU", "config": {"alpha_constraint": "non_neg"}}""", "alpha_constraint", new[] { 3 })]
    // Wrappers train their wrapped layers' weights, so they apply those layers' constraints too.
    [InlineData("""{"class_name": "Bidirectional", "config": {"layer": {"class_name": "GRU", "config": {"units": 2, "kernel_constraint": "non_neg"}}}}""",
        null, new[] { 4, 3 })]
    [InlineData("""{"class_name": "TimeDistributed", "config": {"layer": {"class_name": "Dense", "config": {"units": 2, "bias_constraint": "non_neg"}}}}""",
        null, new[] { 4, 3 })]
    public void TheConstraintIsReadWrittenAndAttachedToItsWeight(string json, string? key, int[] inputShape)
    {
        var layer = Layer.Deserialize(Config.Parse(json));
        layer.Build(inputShape);
        if (key is not null) Assert.Equal("NonNeg", ((Config)layer.GetConfig()[key]!).GetString("class_name"));
        Assert.NotEmpty(layer.WeightConstraints);
        Assert.All(layer.WeightConstraints, c => Assert.Contains(c.Weight, layer.Weights));
        var rebuilt = Layer.Deserialize(Registry<Layer>.Serialize(layer));
        Assert.Equal(layer.GetConfig().ToJsonString(), rebuilt.GetConfig().ToJsonString());
    }
}
