using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization.Saving;
using Nabla.Tests.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's SpectralNormalization wrapper (keras/src/layers/normalization/spectral_normalization.py): a training
/// call assigns kernel ← kernel/σ and vector_u ← u from power iteration, then calls the wrapped layer.</summary>
public class SpectralNormalizationTests
{
    /// <summary>Keras's normalized_weights in double precision: W = kernel as [-1, cols]; v = n(u·Wᵀ), u = n(v·W) per
    /// iteration, n(x) = x·min(1/‖x‖, 1e7); σ = v·W·uᵀ. Returns kernel/σ, the new u and σ.</summary>
    private static (double[] Kernel, double[] U, double Sigma) Reference(float[] kernel, int cols, float[] u0, int iterations)
    {
        int rows = kernel.Length / cols;
        double[] u = [.. u0.Select(x => (double)x)], v = new double[rows];
        static void Unit(double[] x)
        {
            double scale = Math.Min(1 / Math.Sqrt(x.Sum(e => e * e)), 1e7);
            for (int i = 0; i < x.Length; i++) x[i] *= scale;
        }
        for (int it = 0; it < iterations; it++)
        {
            for (int r = 0; r < rows; r++) v[r] = Enumerable.Range(0, cols).Sum(c => u[c] * kernel[r * cols + c]);
            Unit(v);
            for (int c = 0; c < cols; c++) u[c] = Enumerable.Range(0, rows).Sum(r => v[r] * kernel[r * cols + c]);
            Unit(u);
        }
        double sigma = 0;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) sigma += v[r] * kernel[r * cols + c] * u[c];
        return ([.. kernel.Select(k => k / sigma)], u, sigma);
    }

    /// <summary>The largest singular value of kernel as [-1, cols]: power iteration on WᵀW run to convergence.</summary>
    private static double SpectralNorm(float[] kernel, int cols)
    {
        int rows = kernel.Length / cols;
        var x = Enumerable.Range(0, cols).Select(i => 1.0 + i).ToArray();
        double norm = 0;
        for (int it = 0; it < 5000; it++)
        {
            var wx = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Sum(c => kernel[r * cols + c] * x[c])).ToArray();
            var next = Enumerable.Range(0, cols).Select(c => Enumerable.Range(0, rows).Sum(r => kernel[r * cols + c] * wx[r])).ToArray();
            norm = Math.Sqrt(next.Sum(e => e * e));
            x = [.. next.Select(e => e / norm)];
        }
        return Math.Sqrt(norm);
    }

    private static void AssertClose(IReadOnlyList<double> expected, float[] actual, double tolerance = 1e-5)
    {
        Assert.Equal(expected.Count, actual.Length);
        for (int i = 0; i < actual.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * Math.Max(1, Math.Abs(expected[i])), $"[{i}] expected {expected[i]}, found {actual[i]}");
    }

    /// <summary>A wrapper built on inputs x, with a fixed kernel and vector_u.</summary>
    private static SpectralNormalization Wrapped(Layer layer, Tensor x, int iterations, int seed)
    {
        var wrapper = new SpectralNormalization(layer, iterations);
        wrapper.Build(x.Shape[1..]);
        GradientCheck.Random(seed, -1, 1, wrapper.Kernel!.Shape).Data.CopyTo(wrapper.Kernel.Data, 0);
        GradientCheck.Random(seed + 1, -0.05, 0.05, wrapper.VectorU!.Shape).Data.CopyTo(wrapper.VectorU.Data, 0);
        return wrapper;
    }

    [Theory]
    [InlineData("dense", 1)]
    [InlineData("dense", 2)]
    [InlineData("conv2d", 1)]
    public void ATrainingCallAssignsTheHandComputedKernelAndUAndInferenceChangesNothing(string kind, int iterations)
    {
        var x = kind == "dense" ? GradientCheck.Random(1, -1, 1, 2, 4) : GradientCheck.Random(1, -1, 1, 2, 5, 5, 3);
        var wrapper = Wrapped(kind == "dense" ? new Dense(3) : new Conv2D(2, 2), x, iterations, 7);
        int cols = wrapper.Kernel!.Shape[^1];
        var (kernel, u, _) = Reference(wrapper.Kernel.Data[..wrapper.Kernel.Size], cols, wrapper.VectorU!.Data[..cols], iterations);

        var y = wrapper.Call(x, training: true);
        AssertClose(kernel, wrapper.Kernel.Data);
        AssertClose(u, wrapper.VectorU.Data);
        Assert.Equal(wrapper.Layer.Call(x, training: false).Data, y.Data);

        float[] kernelAfter = (float[])wrapper.Kernel.Data.Clone(), uAfter = (float[])wrapper.VectorU.Data.Clone();
        var inference = wrapper.Call(x, training: false);
        Assert.Equal(kernelAfter, wrapper.Kernel.Data);
        Assert.Equal(uAfter, wrapper.VectorU.Data);
        Assert.Equal(y.Data, inference.Data);
    }

    [Fact]
    public void AfterManyTrainingCallsTheKernelsSpectralNormIsOne()
    {
        var x = GradientCheck.Random(2, -1, 1, 3, 8);
        var wrapper = Wrapped(new Dense(5), x, 1, 11);
        Assert.True(SpectralNorm(wrapper.Kernel!.Data, 5) > 1.5);
        for (int i = 0; i < 60; i++) wrapper.Call(x, training: true);
        Assert.Equal(1.0, SpectralNorm(wrapper.Kernel.Data, 5), 1e-3);
    }

    [Fact]
    public void AnAllZeroKernelIsLeftUnchanged()
    {
        var x = GradientCheck.Random(3, -1, 1, 2, 4);
        var wrapper = new SpectralNormalization(new Dense(3, kernelInitializer: "zeros"));
        wrapper.Build([4]);
        float[] u = (float[])wrapper.VectorU!.Data.Clone();
        wrapper.Call(x, training: true);
        Assert.Equal(new float[12], wrapper.Kernel!.Data);
        Assert.Equal(u, wrapper.VectorU.Data);
    }

    [Fact]
    public void TheGradientIsTheWrappedLayersAtTheAssignedKernelWithNoneThroughSigma()
    {
        // A finite difference through a training call means nothing (the call assigns the kernel); Keras's gradient is
        // the wrapped layer's at the assigned kernel, since σ is applied by assignment before the call.
        var x = GradientCheck.Random(4, -1, 1, 6, 4);
        var y = GradientCheck.Random(5, -1, 1, 6, 3);
        var wrapped = new Sequential(new SpectralNormalization(new Dense(3, activation: "tanh"), inputShape: [4]));
        wrapped.Build([4]);
        var wrapper = (SpectralNormalization)wrapped.Layers[^1];
        GradientCheck.Random(6, -1, 1, 4, 3).Data.CopyTo(wrapper.Kernel!.Data, 0);
        // vector_u starts random (TruncatedNormal); a fixed one makes σ, and the check that it is far from 1, repeatable.
        GradientCheck.Random(7, -0.05, 0.05, 1, 3).Data.CopyTo(wrapper.VectorU!.Data, 0);
        var (kernel, _, sigma) = Reference(wrapper.Kernel.Data[..12], 3, wrapper.VectorU!.Data[..3], 1);
        Assert.True(Math.Abs(sigma - 1) > 0.2);
        var plain = new Sequential(new Dense(3, activation: "tanh", inputShape: [4]));
        plain.Build([4]);
        plain.SetWeights([Tensor.FromArray([.. kernel.Select(k => (float)k)], 4, 3), wrapper.Layer.Weights[1].Clone()]);
        wrapped.Compile("sgd", "mse");
        plain.Compile("sgd", "mse");
        var got = wrapped.ComputeGradients(x, y);
        var expected = plain.ComputeGradients(x, y);
        // Keras's order (layer.py's weights: own tracked variables, kernel and vector_u, then the wrapped layer's bias).
        Assert.Equal([wrapper.Kernel, wrapper.VectorU, wrapper.Layer.Weights[1]], wrapper.Weights);
        Assert.Null(got[1]); // vector_u is not trainable
        AssertClose([.. expected[0]!.Data.Select(v => (double)v)], got[0]!.Data, 1e-4);
        AssertClose([.. expected[1]!.Data.Select(v => (double)v)], got[2]!.Data, 1e-4);
    }

    [Fact]
    public void ConfigsCarryKerasDefaultsRoundTripAndRefuseZeroIterations()
    {
        // keras/src/layers/normalization/spectral_normalization.py: __init__(layer, power_iterations=1, **kwargs).
        string dense = """{"class_name": "Dense", "config": {"name": "d", "units": 2}}""";
        var layer = (SpectralNormalization)Layer.Deserialize(Config.Parse(
            """{"class_name": "SpectralNormalization", "config": {"name": "sn", "layer": """ + dense + "}}"));
        Assert.Equal(1, layer.PowerIterations);
        Assert.IsType<Dense>(layer.Layer);
        var two = new SpectralNormalization(new Dense(4), powerIterations: 2, name: "sn2");
        var config = Registry<Layer>.Serialize(two);
        Assert.Equal(2L, Convert.ToInt64(config.GetConfig("config")!["power_iterations"]));
        var back = (SpectralNormalization)Layer.Deserialize(config);
        Assert.Equal(2, back.PowerIterations);
        Assert.Equal(config.ToJsonString(), Registry<Layer>.Serialize(back).ToJsonString());
        var refusal = Assert.ThrowsAny<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "SpectralNormalization", "config": {"name": "sn", "layer": """ + dense + ", \"power_iterations\": 0}}")));
        Assert.Contains("power_iterations", refusal.Message);
        var embedding = new SpectralNormalization(new Embedding(10, 3));
        embedding.Build([5]);
        Assert.Same(embedding.Layer.Weights[0], embedding.Kernel);
        Assert.Contains("neither a 'kernel' nor 'embeddings'", Assert.Throws<ArgumentException>(
            () => new SpectralNormalization(new LayerNormalization()).Build([4])).Message);
    }

    [Fact]
    public void SavedModelsRestoreVectorUAndAClassifierLearns()
    {
        Utils.SetRandomSeed(8);
        var x = GradientCheck.Random(9, -1, 1, 64, 2);
        var labels = new Tensor(64, 2);
        for (int i = 0; i < 64; i++) labels.Data[i * 2 + (x.Data[i * 2] + x.Data[i * 2 + 1] > 0 ? 1 : 0)] = 1;
        var model = new Sequential(new SpectralNormalization(new Dense(16, activation: "relu"), inputShape: [2]),
            new SpectralNormalization(new Dense(2, activation: "softmax")));
        model.Compile("adam", "categorical_crossentropy");
        var history = model.Fit(x, labels, epochs: 40, batchSize: 16, verbose: 0);
        // Each layer is 1-Lipschitz, so the logits stay small and the loss falls slowly.
        Assert.True(history["loss"][^1] < 0.8 * history["loss"][0], $"losses {history["loss"][0]} → {history["loss"][^1]}");
        // The captured training steps replay the normalization: the kernels stay near spectral norm 1 (the last
        // optimizer step moved them a little after it).
        foreach (var layer in model.Layers.OfType<SpectralNormalization>())
            Assert.InRange(SpectralNorm(layer.Kernel!.Data[..layer.Kernel.Size], layer.Kernel.Shape[^1]), 0.9, 1.1);

        // Keras 3's weights tree, as relied on here (saving_lib saves a layer's own tracked variables as "vars" and its
        // sublayers by attribute): SpectralNormalization's build sets self.kernel = self.layer.kernel, which Keras's
        // tracker adds to the wrapper's own variables, so its vars hold [kernel, vector_u] and "layer/vars" [kernel, bias].
        var wrapper = model.Layers.OfType<SpectralNormalization>().First();
        var groups = ModelWeights.VarGroups("spectral_normalization", wrapper);
        Assert.Equal(["layers/spectral_normalization/vars", "layers/spectral_normalization/layer/vars"], groups.Select(g => g.VarsPath));
        Assert.Equal([wrapper.Kernel!, wrapper.VectorU!], groups[0].Weights);
        Assert.Equal(wrapper.Layer.Weights, groups[1].Weights);

        string folder = Directory.CreateTempSubdirectory("nabla-sn-").FullName;
        try
        {
            string path = Path.Combine(folder, "sn.keras");
            model.Save(path);
            var loaded = Model.Load(path);
            var restored = loaded.Layers.OfType<SpectralNormalization>().First();
            Assert.Equal(wrapper.VectorU!.Data, restored.VectorU!.Data);
            Assert.Equal(wrapper.Kernel!.Data, restored.Kernel!.Data);
            Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);

            // Legacy H5 lists trainable weights then non-trainable ones (legacy_h5_format's _legacy_weights).
            Assert.Equal([wrapper.Kernel, wrapper.Layer.Weights[1], wrapper.VectorU], wrapper.KerasFileWeights);
            string h5 = Path.Combine(folder, "sn.h5");
            model.Save(h5);
            var fromH5 = Model.Load(h5).Layers.OfType<SpectralNormalization>().First();
            Assert.Equal(wrapper.VectorU.Data, fromH5.VectorU!.Data);
            Assert.Equal(wrapper.Layer.Weights[1].Data, fromH5.Layer.Weights[1].Data);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    [Fact]
    public void OnnxExportWritesTheWrappedLayerWithItsCurrentKernel()
    {
        var model = new Sequential(new SpectralNormalization(new Conv2D(2, 2, activation: "relu"), inputShape: [5, 5, 1]),
            new Flatten(), new SpectralNormalization(new Dense(3)));
        model.Build([5, 5, 1]);
        foreach (var layer in model.Layers.OfType<SpectralNormalization>()) layer.Call(GradientCheck.Random(1, 0, 1, [1, .. layer.InputShape!]), training: true);
        OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }
}
