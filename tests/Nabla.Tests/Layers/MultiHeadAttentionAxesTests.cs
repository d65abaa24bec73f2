using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>MultiHeadAttention's <c>attention_axes</c> and inputs of rank above 3 (keras/src/layers/attention/
/// multi_head_attention.py: <c>_build_attention</c> normalizes the axes, <c>_build_attention_equation</c> makes every other
/// axis a batch axis and the softmax runs over the attended key positions jointly). Each case is checked against sequence
/// attention with the same weights on the slices or reshapes the axes describe.</summary>
public class MultiHeadAttentionAxesTests
{
    private const int Heads = 2, KeyDim = 3;

    /// <summary>A layer built for per-sample <paramref name="query"/> and <paramref name="value"/> shapes, its weights seeded.</summary>
    private static MultiHeadAttention Built(int[] query, int[] value, IReadOnlyList<int>? axes = null)
    {
        var layer = new MultiHeadAttention(Heads, KeyDim, attentionAxes: axes);
        layer.BuildForInputs([query, value]);
        int s = 1;
        foreach (var w in layer.Weights) GradientCheck.Random(s++, -0.6, 0.6, w.Shape).Data.CopyTo(w.Data, 0);
        return layer;
    }

    /// <summary>A sequence layer with <paramref name="source"/>'s weights (they do not depend on the inputs' rank).</summary>
    private static MultiHeadAttention SequenceTwin(MultiHeadAttention source, int queries, int keys, int features)
    {
        var twin = new MultiHeadAttention(Heads, KeyDim);
        twin.BuildForInputs([[queries, features], [keys, features]]);
        for (int w = 0; w < source.Weights.Count; w++) source.Weights[w].Data.CopyTo(twin.Weights[w].Data, 0);
        return twin;
    }

    /// <summary>A Keras config of the layer with <paramref name="axes"/> (JSON) as its attention_axes.</summary>
    private static Config Config(string axes) => Nabla.Configuration.Config.Parse(
        """{"class_name": "MultiHeadAttention", "config": {"name": "m", "num_heads": 2, "key_dim": 3, "attention_axes": """ + axes + "}}");

    private static void AssertClose(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        for (int i = 0; i < expected.Size; i++) Assert.Equal(expected.Data[i], actual.Data[i], 1e-5);
    }

    /// <summary>x[:, .., index, ..] along <paramref name="axis"/> of a rank-4 tensor, as [batch, the other axis, features].</summary>
    private static Tensor Along(Tensor x, int axis, int index)
    {
        int[] starts = [0, 0, 0, 0], lengths = [.. x.Shape];
        (starts[axis], lengths[axis]) = (index, 1);
        return Tensor.Reshape(Tensor.Slice(x, starts, lengths), x.Shape[0], x.Shape[3 - axis], x.Shape[3]);
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("[-2]")]
    [InlineData("1")]
    public void TheAxesKerasWritesForSequencesAreItsDefault(string axes)
    {
        // A built Keras layer writes its normalized axes, (1,) on sequences: every saved transformer's config has them.
        var layer = (MultiHeadAttention)Layer.Deserialize(Config(axes));
        layer.BuildForInputs([[4, 5], [6, 5]]);
        Assert.Equal([1], layer.AttentionAxes!);
        var plain = SequenceTwin(layer, 4, 6, 5);
        var (query, value) = (GradientCheck.Random(3, -1, 1, 2, 4, 5), GradientCheck.Random(4, -1, 1, 2, 6, 5));
        AssertClose(plain.Call([query, value], false), layer.Call([query, value], false));
        Assert.Equal([1L], (List<object?>)plain.GetConfig()["attention_axes"]!);
    }

    [Fact]
    public void ByDefaultAnImageAttendsOverAllItsPositionsJointly()
    {
        var layer = Built([3, 4, 5], [2, 3, 5]);
        Assert.Equal([1, 2], layer.AttentionAxes!);
        var (query, value) = (GradientCheck.Random(5, -1, 1, 2, 3, 4, 5), GradientCheck.Random(6, -1, 1, 2, 2, 3, 5));
        var (output, scores) = layer.CallWithScores(query, value, null, null);
        var plain = SequenceTwin(layer, 12, 6, 5);
        var (expected, expectedScores) = plain.CallWithScores(Tensor.Reshape(query, 2, 12, 5), Tensor.Reshape(value, 2, 6, 5), null, null);
        AssertClose(Tensor.Reshape(expected, 2, 3, 4, 5), output);
        // Keras's scores: (batch, heads, query positions..., key positions...).
        AssertClose(Tensor.Reshape(expectedScores, 2, Heads, 3, 4, 2, 3), scores);
    }

    [Theory]
    [InlineData(2, 2)]
    [InlineData(-2, 2)]
    [InlineData(1, 1)]
    [InlineData(-3, 1)]
    public void OneAxisOfAnImageIsAttendedForEachPositionOfTheOther(int given, int attended)
    {
        // [batch, 3, 4, features]: with axis 2 each of the 3 rows attends over its 4 positions; with axis 1 each column.
        var layer = Built([3, 4, 5], [3, 4, 5], [given]);
        Assert.Equal([attended], layer.AttentionAxes!);
        var (query, value) = (GradientCheck.Random(7, -1, 1, 2, 3, 4, 5), GradientCheck.Random(8, -1, 1, 2, 3, 4, 5));
        int other = 3 - attended, positions = query.Shape[attended], slices = query.Shape[other];
        // An attention mask (batch, other axis, query positions, key positions), each query keeping its first key.
        var mask = new Tensor(2, slices, positions, positions);
        var rng = new RandomGenerator(9);
        for (int i = 0; i < mask.Size; i++) mask.Data[i] = i % positions == 0 || rng.NextInt(4) != 0 ? 1 : 0;
        var (output, scores) = layer.CallWithScores(query, value, null, mask);
        Assert.Equal([2, slices, Heads, positions, positions], scores.Shape);
        var plain = SequenceTwin(layer, positions, positions, 5);
        for (int index = 0; index < slices; index++)
        {
            var sliceMask = Tensor.Reshape(Tensor.Slice(mask, [0, index, 0, 0], [2, 1, positions, positions]), 2, positions, positions);
            var (expected, expectedScores) = plain.CallWithScores(Along(query, other, index), Along(value, other, index), null, sliceMask);
            AssertClose(expected, Along(output, other, index));
            AssertClose(expectedScores,
                Tensor.Reshape(Tensor.Slice(scores, [0, index, 0, 0, 0], [2, 1, Heads, positions, positions]), 2, Heads, positions, positions));
        }
    }

    [Fact]
    public void MatchesFiniteDifferencesOnAnAttendedAxisOfAnImage()
    {
        var layer = Built([2, 3, 4], [2, 3, 4], [1]);
        var query = GradientCheck.Random(10, -1, 1, 2, 2, 3, 4);
        var value = GradientCheck.Random(11, -1, 1, 2, 2, 3, 4);
        GradientCheck.Check(t => layer.Call([t[0], t[1]], training: true), [query, value, .. layer.Weights]);
    }

    [Theory]
    [InlineData("[0]", "axis 0")]
    [InlineData("[3]", "axis 3")]
    [InlineData("[-1]", "axis -1")]
    [InlineData("[2, -2]", "twice")]
    [InlineData("[]", "empty")]
    [InlineData("\"rows\"", "expected null, an int or a list of ints")]
    public void AxesOutsideTheStepsAreRefusedByName(string axes, string message)
    {
        var e = Assert.Throws<ArgumentException>(() =>
        {
            var layer = (MultiHeadAttention)Layer.Deserialize(Config(axes));
            layer.BuildForInputs([[3, 4, 5], [3, 4, 5]]);
        });
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void WhatHasNoMeaningOffSequencesIsRefused()
    {
        var layer = Built([3, 4, 5], [3, 4, 5], [2]);
        var x = GradientCheck.Random(12, -1, 1, 2, 3, 4, 5);
        Assert.Contains("use_causal_mask", Assert.Throws<ArgumentException>(() => layer.Call(x, x, null, false, useCausalMask: true)).Message);
        var masked = Tensor.FromArray((float[])x.Data.Clone(), x.Shape);
        masked.KerasMask = new Tensor(2, 3, 4);
        Assert.Contains("timestep mask", Assert.Throws<ArgumentException>(() => layer.Call([masked, x], false)).Message);
        // The rows are batch axes: the key must have as many.
        Assert.Contains("must agree", Assert.Throws<ArgumentException>(() => layer.BuildForInputs([[3, 4, 5], [2, 4, 5]])).Message);
        Assert.Contains("attention mask", Assert.Throws<ArgumentException>(() =>
            layer.CallWithScores(x, x, null, new Tensor(2, 3, 4, 3))).Message);
        Assert.Contains("one rank", Assert.Throws<ArgumentException>(() => Built([3, 4, 5], [4, 5])).Message);
    }

    [Fact]
    public void AnImageAttentionModelSavesLoadsAndTrains()
    {
        Utils.SetRandomSeed(13);
        var input = new Input(shape: [4, 3, 6]);
        var (attended, scores) = new MultiHeadAttention(2, 3, attentionAxes: [2]).ApplyWithScores(input, input);
        Assert.Equal([4, 2, 3, 3], scores.Shape);
        var output = new Dense(1).Apply(new GlobalAveragePooling2D().Apply(new Add().Apply(input, attended)));
        var model = new Model(input, output);
        Assert.Equal([4, 3, 6], model.Layers.OfType<MultiHeadAttention>().Single().OutputShape!);
        model.Compile("adam", "mse");
        var x = GradientCheck.Random(14, -1, 1, 32, 4, 3, 6);
        var y = new Tensor(32, 1);
        for (int s = 0; s < 32; s++) y.Data[s] = x.Data[s * 72] + x.Data[s * 72 + 71];
        var history = model.Fit(x, y, epochs: 40, batchSize: 8, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.8, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = folder.File("image_attention.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal([2], loaded.Layers.OfType<MultiHeadAttention>().Single().AttentionAxes!);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
    }
}
