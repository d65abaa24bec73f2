using Nabla.Configuration;
using Nabla.Initializers;
using Nabla.Layers;
using Nabla.Serialization.Hdf5;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's EinsumDense (keras/src/layers/core/einsum_dense.py; tf_keras/layers/core/einsum_dense.py): the
/// weights' shapes _analyze_split_string gives, values against einsum written as plain loops, finite differences,
/// configs, refusals, saving, ONNX export and a model that learns with it.</summary>
public class EinsumDenseTests
{
    /// <summary>A built layer with random kernel and bias values.</summary>
    private static EinsumDense Built(string equation, int[] outputShape, string? biasAxes, int[] inputShape, string? activation = null)
    {
        var layer = new EinsumDense(equation, outputShape, activation, biasAxes);
        layer.Build(inputShape);
        GradientCheck.Random(11, -1, 1, layer.Kernel.Shape).Data.CopyTo(layer.Kernel.Data, 0);
        if (layer.Bias is { } bias) GradientCheck.Random(12, -1, 1, bias.Shape).Data.CopyTo(bias.Data, 0);
        return layer;
    }

    /// <summary>einsum as loops over every assignment of the letters: out[o] += x[i]·w[k], with the ellipsis written out
    /// as letters by the test (<paramref name="letters"/> "input,kernel->output", batch included).</summary>
    private static float[] Reference(string letters, Tensor x, Tensor w, int[] outShape)
    {
        var parts = letters.Split(',', '-', '>').Where(p => p.Length > 0).ToArray();
        var (inL, kL, outL) = (parts[0], parts[1], parts[2]);
        var length = new Dictionary<char, int>();
        for (int i = 0; i < inL.Length; i++) length[inL[i]] = x.Shape[i];
        for (int i = 0; i < kL.Length; i++) length[kL[i]] = w.Shape[i];
        var all = length.Keys.ToArray();
        var value = new Dictionary<char, int>();
        var y = new double[outShape.Aggregate(1, (p, d) => p * d)];
        int Offset(string term, int[] shape)
        {
            int offset = 0;
            for (int i = 0; i < term.Length; i++) offset = offset * shape[i] + value[term[i]];
            return offset;
        }
        void Loop(int depth)
        {
            if (depth == all.Length)
            {
                y[Offset(outL, outShape)] += (double)x.Data[Offset(inL, x.Shape)] * w.Data[Offset(kL, w.Shape)];
                return;
            }
            for (int v = 0; v < length[all[depth]]; v++)
            {
                value[all[depth]] = v;
                Loop(depth + 1);
            }
        }
        Loop(0);
        return [.. y.Select(v => (float)v)];
    }

    [Fact]
    public void ValuesWrittenOutByHand()
    {
        // [1, 2]·[[1, 2, 3], [4, 5, 6]] + [0.5, −1, 2] = [1 + 8 + 0.5, 2 + 10 − 1, 3 + 12 + 2].
        var layer = new EinsumDense("ab,bc->ac", [3], biasAxes: "c");
        layer.Build([2]);
        new float[] { 1, 2, 3, 4, 5, 6 }.CopyTo(layer.Kernel.Data, 0);
        new float[] { 0.5f, -1, 2 }.CopyTo(layer.Bias!.Data, 0);
        Assert.Equal([9.5f, 11, 17], layer.Call(Tensor.FromArray([1, 2], 1, 2), training: false).Data);
    }

    [Fact]
    public void AbBcToAcIsDenseWithTheSameWeights()
    {
        var einsum = Built("ab,bc->ac", [4], "c", [5], activation: "tanh");
        var dense = new Dense(4, activation: "tanh");
        dense.Build([5]);
        einsum.Kernel.Data.CopyTo(dense.Kernel.Data, 0);
        einsum.Bias!.Data.CopyTo(dense.Bias!.Data, 0);
        var x = GradientCheck.Random(1, -2, 2, 3, 5);
        Assert.Equal(dense.Call(x, false).Data, einsum.Call(x, false).Data);
    }

    public static TheoryData<string, int[], string?, int[], string, int[], int[]?> Cases() => new()
    {
        // equation, output_shape, bias_axes, per-sample input, the letters for the loops, kernel shape, bias shape
        { "abc,cd->abd", [-1, 5], "d", [3, 4], "abc,cd->abd", [4, 5], [5] },
        // MultiHeadAttention's projection: a kernel [features, heads, dim] and a bias [heads, dim].
        { "abc,cde->abde", [-1, 2, 5], "de", [3, 4], "abc,cde->abde", [4, 2, 5], [2, 5] },
        { "abcd,cde->abe", [-1, 5], "e", [3, 2, 4], "abcd,cde->abe", [2, 4, 5], [5] },
        // The left ellipsis covers the batch and the sequence axes.
        { "...b,bc->...c", [5], "c", [3, 4], "xyb,bc->xyc", [4, 5], [5] },
        // A bias along a non-trailing axis: from its first letter on, 1 where it does not vary.
        { "abc,cd->abd", [3, 5], "b", [3, 4], "abc,cd->abd", [4, 5], [3, 1] },
        // The right ellipsis carries the trailing axes; the bias gets a 1 for each.
        { "ab...,bc->ac...", [5], "c", [4, 3], "abz,bc->acz", [4, 5], [5, 1] },
        // A letter in all three terms: one product per index of b.
        { "abc,bcd->abd", [-1, 5], null, [3, 4], "abc,bcd->abd", [3, 4, 5], null },
        // A letter only the input has is summed, as einsum does.
        { "abc,cd->ad", [5], "d", [3, 4], "abc,cd->ad", [4, 5], [5] },
        { "ab,c->abc", [-1, 3], "bc", [2], "ab,c->abc", [3], [2, 3] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesEinsumWrittenAsLoops(string equation, int[] outputShape, string? biasAxes, int[] inputShape,
        string letters, int[] kernelShape, int[]? biasShape)
    {
        var layer = Built(equation, outputShape, biasAxes, inputShape);
        Assert.Equal(kernelShape, layer.Kernel.Shape);
        Assert.Equal(biasShape, layer.Bias?.Shape);
        var x = GradientCheck.Random(3, -2, 2, [2, .. inputShape]);
        var y = layer.Call(x, training: false);
        Assert.Equal([2, .. layer.ComputeOutputShape(inputShape)], y.Shape);
        var expected = Reference(letters, x, layer.Kernel, y.Shape);
        if (layer.Bias is { } bias)
            expected = Tensor.Add(Tensor.FromArray(expected, y.Shape), bias).Data;
        for (int i = 0; i < y.Size; i++) Assert.Equal(expected[i], y.Data[i], 1e-5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesFiniteDifferencesForTheInputKernelAndBias(string equation, int[] outputShape, string? biasAxes,
        int[] inputShape, string letters, int[] kernelShape, int[]? biasShape)
    {
        _ = (letters, kernelShape, biasShape);
        var layer = Built(equation, outputShape, biasAxes, inputShape, activation: "tanh");
        Tensor[] checkedTensors = [GradientCheck.Random(4, -1, 1, [2, .. inputShape]), layer.Kernel, .. layer.Bias is { } b ? [b] : Array.Empty<Tensor>()];
        GradientCheck.Check(t => layer.Call(t[0], training: true), checkedTensors);
    }

    [Fact]
    public void TheDoctorSeesTheKernelWithKerasFans()
    {
        // keras/src/initializers/random_initializers.py compute_fans: receptive field = prod(shape[:-2]) = 4, so a
        // kernel [4, 2, 5] has fan_in 2·4 and fan_out 5·4, the fans its glorot_uniform draws from.
        var layer = Built("abc,cde->abde", [-1, 2, 5], "de", [3, 4]);
        var kernel = Assert.Single(layer.Kernels);
        Assert.Same(layer.Kernel, kernel.Weight);
        Assert.Equal((8, 20), (kernel.FanIn, kernel.FanOut));
        var activity = layer.Observe(layer.Call(GradientCheck.Random(1, -1, 1, 2, 3, 4), false));
        Assert.Same(activity.Output, activity.PreActivation);
    }

    [Fact]
    public void TheDoctorReadsItsGradientsDuringAFit()
    {
        Utils.SetRandomSeed(2);
        var model = new Sequential(new EinsumDense("ab,bc->ac", [16], "relu", "c", inputShape: [12], name: "hidden"),
            new EinsumDense("...b,bc->...c", [3], "softmax", "c", name: "classes"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        var (x, labels) = Nabla.Data.Synthetic.Classification(128, 12, 3, seed: 2);
        var doctor = new Nabla.Doctor.TrainingDoctor();
        model.Fit(x, labels, epochs: 2, batchSize: 32, callbacks: [doctor], verbose: 0);
        var layers = doctor.Diagnosis.GradientFlow.SelectMany(b => b.Layers).ToList();
        Assert.Equal(["hidden", "classes"], layers.Select(l => l.Layer));
        Assert.All(layers, l => Assert.True(l.MedianGradientNorm > 0 && double.IsFinite(l.MedianGradientNorm), $"{l.Layer}: {l.MedianGradientNorm}"));
    }

    [Fact]
    public void UnknownAxesAreThoseTheWeightsDoNotSize()
    {
        // Keras's docstring example: "abc,cd->abd" with output_shape (None, 64) on a sequence of any length.
        var layer = new EinsumDense("abc,cd->abd", [-1, 6], biasAxes: "d");
        layer.Build([-1, 4]);
        Assert.Equal([-1, 6], layer.OutputShape!);
        Assert.Equal([2, 7, 6], layer.Call(new Tensor(2, 7, 4), false).Shape);
        Assert.Equal([2, 3, 6], layer.Call(new Tensor(2, 3, 4), false).Shape);
        var e = Assert.Throws<ArgumentException>(() => new EinsumDense("abc,cd->abd", [-1, 6]).Build([3, -1]));
        Assert.Contains("axis 2", e.Message);
    }

    [Fact]
    public void KerasDefaultsAndConfigs()
    {
        // einsum_dense.py __init__: activation=None, bias_axes=None, kernel_initializer="glorot_uniform",
        // bias_initializer="zeros", no regularizers or constraints; an int output_shape is a one-length shape.
        var layer = (EinsumDense)Layer.Deserialize(Config.Parse(
            """{"class_name": "EinsumDense", "config": {"name": "e", "equation": "ab,bc->ac", "output_shape": 4}}"""));
        Assert.Equal([4], layer.PartialOutputShape);
        Assert.Equal(((string?)null, "linear"), (layer.BiasAxes, layer.Activation.Name));
        Assert.IsType<GlorotUniform>(layer.KernelInitializer);
        Assert.IsType<Zeros>(layer.BiasInitializer);
        Assert.Null(layer.KernelRegularizer);
        layer.Build([3]);
        Assert.Null(layer.Bias);
        Assert.Equal(["e/kernel"], layer.Weights.Select(w => w.Name));

        var written = new EinsumDense("abc,cde->abde", [-1, 2, 5], "relu", "de", kernelInitializer: "he_normal",
            kernelRegularizer: "l2", name: "proj") { BiasConstraint = Nabla.Constraints.Constraint.Get("non_neg") };
        var config = written.GetConfig();
        Assert.Equal([null, 2L, 5L], (List<object?>)config["output_shape"]!);
        Assert.Equal(("abc,cde->abde", "de"), ((string)config["equation"]!, (string)config["bias_axes"]!));
        var again = (EinsumDense)Layer.Deserialize(Registry<Layer>.Serialize(written));
        Assert.Equal((written.Equation, written.BiasAxes, "relu", "proj"), (again.Equation, again.BiasAxes, again.Activation.Name, again.Name));
        Assert.Equal([-1, 2, 5], again.PartialOutputShape);
        Assert.IsType<HeNormal>(again.KernelInitializer);
        Assert.NotNull(again.KernelRegularizer);
        Assert.NotNull(again.BiasConstraint);
        Assert.Equal(Registry<Layer>.Serialize(written).ToJsonString(), Registry<Layer>.Serialize(again).ToJsonString());
    }

    [Theory]
    // Not one of Keras's three forms.
    [InlineData("ab,bc,cd->ad", new[] { 4 }, null, "not one of Keras's forms")]
    [InlineData("ab,bc", new[] { 4 }, null, "not one of Keras's forms")]
    [InlineData("ab,bc->ac...", new[] { 4 }, null, "not one of Keras's forms")]
    [InlineData("a...,ab->b...", new[] { 4 }, null, "not one of Keras's forms")]
    // Keras's two checks: a letter the output or kernel has with no length.
    [InlineData("ab,bc->ad", new[] { 4 }, null, "'d' in the output")]
    [InlineData("ab,bcd->ac", new[] { 4 }, null, "'d' in the kernel")]
    [InlineData("aab,bc->ac", new[] { 4 }, null, "repeats 'a'")]
    [InlineData("ab,bc->ca", new[] { 4 }, null, "batch axis")]
    [InlineData("ab,abc->ac", new[] { 4 }, null, "batch axis")]
    [InlineData("abc,cd->abd", new[] { 4 }, null, "output_shape gives 1")]
    [InlineData("abc,cd->abd", new[] { -1, -1 }, null, "None for 'd'")]
    [InlineData("ab,bc->ac", new[] { 4 }, "d", "bias_axes 'd'")]
    [InlineData("ab,bc->ac", new[] { 4 }, "a", "the batch axis, in bias_axes")]
    public void RefusesWhatKerasCannotComputeNamingTheLayerAndEquation(string equation, int[] outputShape, string? biasAxes, string what)
    {
        var e = Assert.Throws<ArgumentException>(() => new EinsumDense(equation, outputShape, biasAxes: biasAxes, name: "ed"));
        Assert.Contains("EinsumDense 'ed'", e.Message);
        Assert.Contains($"'{equation}'", e.Message);
        Assert.Contains(what, e.Message);
    }

    [Fact]
    public void RefusesInputsThatDoNotFitAndKerasKeysItDoesNotImplement()
    {
        // Keras: "Input shape and output shape do not match at shared dimension".
        Assert.Contains("gives 7 for 'b'", Assert.Throws<ArgumentException>(() => new EinsumDense("abc,cd->abd", [7, 5]).Build([3, 4])).Message);
        Assert.Contains("rank 1", Assert.Throws<ArgumentException>(() => new EinsumDense("ab,bc->ac", [5]).Build([3, 4])).Message);
        Assert.Contains("rank 2 or more", Assert.Throws<ArgumentException>(() => new EinsumDense("...ab,bc->...ac", [3, 5]).Build([4])).Message);
        foreach (var key in new[] { "\"lora_rank\": 4, \"lora_alpha\": 4", "\"quantization_config\": {\"mode\": \"int8\"}", "\"gptq_unpacked_column_size\": 4" })
            Assert.Contains(key[1..key.IndexOf('"', 1)], Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
                """{"class_name": "EinsumDense", "config": {"equation": "ab,bc->ac", "output_shape": [4], """ + key + "}}"))).Message);
    }

    [Fact]
    public void Keras3WeightsFilesKeepKernelThenBiasInTheLayersOwnVars()
    {
        // einsum_dense.py save_own_variables: store["0"] = kernel, then the bias only when there is one.
        Sequential Model() => new(new EinsumDense("abc,cde->abde", [-1, 2, 3], biasAxes: "e", inputShape: [4, 5]),
            new EinsumDense("...b,bc->...c", [1]));
        var model = Model();
        using var folder = new Data.TempFolder();
        string path = folder.File("einsum.weights.h5");
        model.SaveWeights(path);
        using (var file = Hdf5Reader.Open(path))
        {
            Assert.Equal(["0", "1"], file.Children("layers/einsum_dense/vars").Datasets.Order());
            Assert.Equal("[5, 2, 3]", Tensor.ShapeString(file.Shape("layers/einsum_dense/vars/0")));
            Assert.Equal("[3]", Tensor.ShapeString(file.Shape("layers/einsum_dense/vars/1")));
            Assert.Equal(["0"], file.Children("layers/einsum_dense_1/vars").Datasets);
        }
        var fresh = Model();
        fresh.LoadWeights(path);
        var x = GradientCheck.Random(1, -1, 1, 2, 4, 5);
        Assert.Equal(model.Predict(x).Data, fresh.Predict(x).Data);
    }

    [Fact]
    public void AModelWithItLearnsSavesLoadsAndExportsToOnnx()
    {
        Utils.SetRandomSeed(3);
        var model = new Sequential(
            new EinsumDense("abc,cde->abde", [-1, 2, 4], "tanh", "de", inputShape: [3, 5]),
            new EinsumDense("abcd,cde->abe", [-1, 1], biasAxes: "e"),
            new EinsumDense("abc,bcd->ad", [1], biasAxes: "d"));
        model.Compile(new Nabla.Optimizers.Adam(0.01), "mse");
        var x = GradientCheck.Random(6, -1, 1, 64, 3, 5);
        var y = new Tensor(64, 1);
        for (int s = 0; s < 64; s++) y.Data[s] = x.Data[s * 15] - 2 * x.Data[s * 15 + 8];
        var history = model.Fit(x, y, epochs: 60, batchSize: 16, verbose: 0);
        Assert.True(history["loss"][^1] < history["loss"][0] * 0.3, $"loss {history["loss"][0]} -> {history["loss"][^1]}");
        using var folder = new Data.TempFolder();
        string path = folder.File("einsum.keras");
        model.Save(path);
        var loaded = Model.Load(path);
        Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
        // ONNX's Einsum reads both ellipsis forms; nonzero biases so that their broadcast shows.
        var ellipses = new Sequential(new EinsumDense("...b,bc->...c", [4], "relu", "c", inputShape: [3, 5]),
            new EinsumDense("ab...,bc->ac...", [2], biasAxes: "c"));
        ellipses.Build([3, 5]);
        foreach (var layer in ellipses.Layers.OfType<EinsumDense>()) layer.Bias!.Data.AsSpan().Fill(0.25f);
        ellipses.Layers.OfType<EinsumDense>().Last().Bias!.Data[1] = -0.5f;
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(ellipses);
    }
}
