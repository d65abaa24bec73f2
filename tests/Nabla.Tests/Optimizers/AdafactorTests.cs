using Nabla.Configuration;
using Nabla.Data;
using Nabla.Kernels;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Tests.Data;
using Nabla.Tests.Serialization;

namespace Nabla.Tests.Optimizers;

/// <summary>Adafactor against keras/src/optimizers/adafactor.py update_step, written out in AdafactorTests.Reference.cs as a scalar
/// double-precision reference (torch's Adafactor is another variant of the paper).</summary>
public partial class AdafactorTests
{
    /// <summary>Weights of magnitude 0.1 to 0.5, alternating in sign (so relative comparisons are meaningful).</summary>
    internal static float[] Weights(int n, int seed) =>
        Enumerable.Range(0, n).Select(k => (float)((0.1 + 0.4 * (0.5 + 0.5 * Math.Sin(0.91 * k + seed))) * (k % 2 == 0 ? 1 : -1))).ToArray();

    /// <summary>A fixed gradient for a step, of both signs and mixed magnitudes, with element 1 exactly 0.</summary>
    internal static float[] Gradient(int n, int step)
    {
        var g = Enumerable.Range(0, n).Select(k => (float)(Math.Sin(1.3 * k + 0.7 * step) * (1 + k % 3))).ToArray();
        if (n > 1) g[1] = 0f;
        return g;
    }

    internal static Tensor Parameter(string name, int seed, params int[] shape)
    {
        var parameter = Tensor.FromArray(Weights(shape.Aggregate(1, (a, b) => a * b), seed), shape);
        parameter.Name = name;
        parameter.RequiresGrad = true;
        return parameter;
    }

    /// <summary>Within 1e-6 relative (plus 1e-12 absolute, for exact zeros). A weight's rounding is relative to the
    /// larger of its value and its starting value (<paramref name="start"/>): one that steps close to 0 is the
    /// difference of terms far larger than itself.</summary>
    private static void AssertClose(double[] expected, ReadOnlySpan<float> actual, string what, float[]? start = null)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double allowed = 1e-12 + 1e-6 * Math.Max(Math.Abs(expected[i]), start is null ? 0 : Math.Abs(start[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= allowed,
                $"{what}[{i}]: Keras formula {expected[i]:R}, Adafactor {actual[i]:R} (allowed difference {allowed:G3}).");
        }
    }

    /// <summary>Runs <paramref name="steps"/> steps on the parameters together, the reference on each alone, and
    /// compares every weight and every state value.</summary>
    private static void AssertMatchesReference(Settings settings, int steps, params Tensor[] parameters)
    {
        var optimizer = settings.Create();
        var starts = parameters.Select(p => p.ToArray()).ToArray();
        var references = parameters.Select(p => new Reference(p.Shape, p.ToArray())).ToArray();
        for (int t = 1; t <= steps; t++)
        {
            for (int p = 0; p < parameters.Length; p++)
            {
                var g = Gradient(parameters[p].Size, t + p);
                parameters[p].Grad = Tensor.FromArray(g, parameters[p].Shape);
                references[p].Step(t, g, settings);
            }
            Assert.True(optimizer.Apply(parameters));
        }
        Assert.Equal(steps, optimizer.Iterations);
        for (int p = 0; p < parameters.Length; p++)
        {
            var (parameter, reference) = (parameters[p], references[p]);
            string name = $"{parameter.Name} {Tensor.ShapeString(parameter.Shape)}";
            AssertClose(reference.W, parameter.Data, name, starts[p]);
            var state = optimizer.SavedState(parameter).ToDictionary(s => s.Name, s => s.Values);
            AssertClose(reference.V, state["velocity"], $"{name} velocity");
            // r and c have Keras's shapes; for rank < 2 each is Keras's scalar placeholder, which stays 0.
            AssertClose(reference.R.Length == 0 ? [0.0] : reference.R, state["r"], $"{name} r");
            AssertClose(reference.C.Length == 0 ? [0.0] : reference.C, state["c"], $"{name} c");
        }
    }

    [Fact]
    public void Defaults_AreKeras3()
    {
        // keras/src/optimizers/adafactor.py, Adafactor.__init__:
        var adafactor = new Adafactor();
        Assert.Equal(0.001, adafactor.LearningRate);     // learning_rate=0.001
        Assert.Equal(-0.8, adafactor.Beta2Decay);        // beta_2_decay=-0.8
        Assert.Equal(1e-30, adafactor.Epsilon1);         // epsilon_1=1e-30
        Assert.Equal(1e-3, adafactor.Epsilon2);          // epsilon_2=1e-3
        Assert.Equal(1.0, adafactor.ClipThreshold);      // clip_threshold=1.0
        Assert.True(adafactor.RelativeStep);             // relative_step=True
        Assert.Null(adafactor.WeightDecay);              // weight_decay=None
        Assert.Null(adafactor.ClipNorm);                 // clipnorm=None
        Assert.Null(adafactor.ClipValue);                // clipvalue=None
        Assert.Null(adafactor.GlobalClipNorm);           // global_clipnorm=None
        Assert.Equal("adafactor", adafactor.Name);       // name="adafactor"
        Assert.Equal("Adafactor", adafactor.ClassName);  // @keras_export(["keras.optimizers.Adafactor"])
        Assert.Equal(0, adafactor.Iterations);
    }

    [Fact]
    public void ThreeSteps_OnABiasAKernelAndAConvKernel_MatchTheKerasFormula() =>
        // Rank 1 is unfactored; [3, 4] factors over its 3 rows and 4 columns; the conv kernel [kh, kw, in, out]
        // factors over its last two axes, [in, out], for each of its 2·2 leading positions.
        AssertMatchesReference(new Settings(), 3,
            Parameter("dense/bias", 1, 3), Parameter("dense/kernel", 2, 3, 4), Parameter("conv2d/kernel", 3, 2, 2, 3, 4));

    [Fact]
    public void ALargeRate_ATightClipThreshold_WeightDecayAndClipvalue_MatchTheKerasFormula() =>
        // lr 0.3 stays under 1/sqrt(t) for 5 steps, so each step moves the weights by a good part of their RMS, and
        // clip_threshold 0.5 makes RMS(u)/clip_threshold exceed 1: the update clipping bites.
        AssertMatchesReference(new Settings(LearningRate: 0.3, ClipThreshold: 0.5, WeightDecay: 0.05, ClipValue: 1.5), 5,
            Parameter("dense/bias", 4, 5), Parameter("dense/kernel", 5, 6, 3), Parameter("conv2d/kernel", 6, 3, 1, 2, 5));

    [Fact]
    public void RelativeStepFalse_UsesTheGivenLearningRate()
    {
        // 0.01 is below 1/sqrt(t) for these steps, so rho_t = 0.01: the reference's rho with relative_step off.
        AssertMatchesReference(new Settings(LearningRate: 0.01, RelativeStep: false), 3,
            Parameter("dense/bias", 7, 4), Parameter("dense/kernel", 8, 4, 5));
    }

    [Fact]
    public void ARateAbove1OverSqrtT_IsCappedWithOrWithoutRelativeStep_AsInKeras()
    {
        // adafactor.py computes rho_t = minimum(lr, 1/sqrt(local_step)) after its relative_step branch, so the cap
        // applies either way: lr 0.9 is used at t = 1, then 1/sqrt(2) and 1/sqrt(3).
        float[] Run(bool relativeStep)
        {
            var kernel = Parameter("dense/kernel", 9, 3, 4);
            var optimizer = new Settings(LearningRate: 0.9, RelativeStep: relativeStep).Create();
            for (int t = 1; t <= 3; t++)
            {
                kernel.Grad = Tensor.FromArray(Gradient(12, t), 3, 4);
                optimizer.Apply([kernel]);
            }
            return kernel.Data;
        }
        Assert.Equal(Run(true), Run(false));
        AssertMatchesReference(new Settings(LearningRate: 0.9, RelativeStep: false), 3, Parameter("dense/kernel", 9, 3, 4));
    }

    [Theory]
    [InlineData(37)]     // with AVX-512: two 16-lane steps, one 4-lane step, a scalar tail of 1
    [InlineData(1000)]   // 62 16-lane steps, then one 8-lane step
    public void TheVectorLoopsAndTheScalarTailFollowTheSameFormula(int length)
    {
        // Rank 1 runs the velocity and the step over the whole length; kernels run them row by row: rows of 37 and of
        // 1 (the scalar tail alone), of 25 (16 + 8 + 1) and of 8.
        var settings = new Settings(LearningRate: 0.05, WeightDecay: 0.1, ClipValue: 2.0);
        AssertMatchesReference(settings, 3, Parameter("bias", 10, length));
        AssertMatchesReference(settings, 3,
            length == 37 ? Parameter("kernel", 11, 1, 37) : Parameter("kernel", 11, 40, 25),
            length == 37 ? Parameter("kernel_2", 12, 37, 1) : Parameter("kernel_2", 12, 125, 8));
    }

    [Fact]
    public void AZeroGradientRowAndColumn_LeaveTheirWeightsStill_WhereKerasWouldGiveNaN()
    {
        // Row 1 and column 2 of the gradient are 0 in every step: r₁ = c₂ = epsilon_1, so Keras's v there is
        // (1e-30/mean r)·1e-30, below float's range, and its 0/sqrt(0) makes the whole kernel NaN. Here v stays at
        // 2⁻¹²⁶: u = 0 for every zero gradient, and every other element follows the formula.
        var kernel = Parameter("dense/kernel", 13, 4, 5);
        var reference = new Reference(kernel.Shape, kernel.ToArray());
        var optimizer = new Adafactor();
        for (int t = 1; t <= 3; t++)
        {
            var g = Gradient(20, t);
            for (int j = 0; j < 5; j++) g[5 + j] = 0f;
            for (int i = 0; i < 4; i++) g[i * 5 + 2] = 0f;
            float[] before = kernel.ToArray();
            kernel.Grad = Tensor.FromArray(g, 4, 5);
            Assert.True(optimizer.Apply([kernel]));
            for (int k = 0; k < 20; k++)
                if (g[k] == 0f) Assert.Equal(before[k], kernel.Data[k]);
            Assert.All(kernel.Data, w => Assert.True(float.IsFinite(w)));
            // The reference's doubles do not underflow: it agrees everywhere.
            reference.Step(t, g, new Settings());
        }
        AssertClose(reference.W, kernel.Data, "kernel");
    }

    [Fact]
    public void StateNames_AreKeras3s_InItsBuildOrder()
    {
        // adafactor.py build: for each variable, r (named after it), c (named after it), then "velocity".
        var adafactor = new Adafactor();
        Assert.Equal(["r", "c", "velocity"], Assert.Single(adafactor.KerasVariableGroups));
        var kernel = Parameter("dense/kernel", 14, 2, 3);
        kernel.Grad = Tensor.FromArray(Gradient(6, 1), 2, 3);
        adafactor.Apply([kernel]);
        Assert.Equal(["r", "c", "velocity"], adafactor.SavedState(kernel).Select(s => s.Name));
    }

    [Fact]
    public void GetConfig_WritesKerasKeys_AndRoundTrips()
    {
        // adafactor.py get_config: the base optimizer's keys, then its own five.
        var adafactor = new Adafactor(learningRate: 0.02, beta2Decay: -0.5, epsilon1: 1e-29, epsilon2: 2e-3,
            clipThreshold: 0.8, relativeStep: false, weightDecay: 0.01, clipValue: 1.0, name: "my_adafactor");
        var config = adafactor.GetConfig();
        Assert.Equal(["name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema",
            "ema_momentum", "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps", "beta_2_decay",
            "epsilon_1", "epsilon_2", "clip_threshold", "relative_step"], config.Keys);
        Assert.Equal((-0.5, 1e-29, 2e-3, 0.8, false),
            ((double)config["beta_2_decay"]!, (double)config["epsilon_1"]!, (double)config["epsilon_2"]!,
             (double)config["clip_threshold"]!, (bool)config["relative_step"]!));

        string json = Nabla.Optimizers.Optimizer.Serialize(adafactor).ToJsonString();
        var rebuilt = Assert.IsType<Adafactor>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse(json)));
        Assert.Equal(config.ToJsonString(), rebuilt.GetConfig().ToJsonString());
        Assert.Equal("my_adafactor", rebuilt.Name);
    }

    [Fact]
    public void AKerasWrittenConfig_Loads()
    {
        // What Keras 3 writes for keras.optimizers.Adafactor() (base_optimizer.py's keys, then adafactor.py's).
        var adafactor = Assert.IsType<Adafactor>(Nabla.Optimizers.Optimizer.Deserialize(Config.Parse("""
            {"module": "keras.optimizers", "class_name": "Adafactor", "config": {"name": "adafactor",
             "learning_rate": 0.0010000000474974513, "weight_decay": null, "clipnorm": null, "global_clipnorm": null,
             "clipvalue": null, "use_ema": false, "ema_momentum": 0.99, "ema_overwrite_frequency": null,
             "loss_scale_factor": null, "gradient_accumulation_steps": null, "beta_2_decay": -0.8, "epsilon_1": 1e-30,
             "epsilon_2": 0.001, "clip_threshold": 1.0, "relative_step": true}, "registered_name": null}
            """)));
        Assert.Equal(0.001, adafactor.LearningRate, 1e-9);
        Assert.Equal((-0.8, 1e-30, 1e-3, 1.0, true),
            (adafactor.Beta2Decay, adafactor.Epsilon1, adafactor.Epsilon2, adafactor.ClipThreshold, adafactor.RelativeStep));
    }

    [Fact]
    public void FromConfig_RefusesUnknownKeysAndNulls_AsTheOthersDo()
    {
        var config = new Adafactor().GetConfig();
        config["beta_2"] = 0.9;
        var error = Assert.Throws<ArgumentException>(() => Adafactor.FromConfig(config));
        Assert.Contains("beta_2", error.Message);
        Assert.Contains("clip_threshold", error.Message); // the accepted keys are listed

        config = new Adafactor().GetConfig();
        config["relative_step"] = null;
        Assert.Contains("relative_step", Assert.Throws<ArgumentException>(() => Adafactor.FromConfig(config)).Message);

        config = new Adafactor().GetConfig();
        config["use_ema"] = true;
        Assert.Throws<NotSupportedException>(() => Adafactor.FromConfig(config));
    }

    [Theory]
    [InlineData("adafactor")]
    [InlineData("Adafactor")]
    public void Registry_ResolvesTheName(string name)
    {
        var byName = Assert.IsType<Adafactor>(Nabla.Optimizers.Optimizer.Get(name));
        Assert.Equal("adafactor", byName.Name);
        Assert.IsType<Adafactor>(Nabla.Optimizers.Optimizer.Deserialize(name));
    }

    [Fact]
    public void Registry_ListsTheValidNamesOnATypo()
    {
        var error = Assert.Throws<ArgumentException>(() => Nabla.Optimizers.Optimizer.Get("adafacter"));
        Assert.Contains("adafacter", error.Message);
        Assert.Contains("adafactor", error.Message);
        Assert.Contains("adam", error.Message);
    }

    [Fact]
    public void Validation_NamesTheArgument()
    {
        Assert.Contains("beta_2_decay", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor(beta2Decay: 0.8)).Message);
        Assert.Contains("epsilon_1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor(epsilon1: 0)).Message);
        Assert.Contains("epsilon_1", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor(epsilon1: -1e-30)).Message);
        Assert.Contains("epsilon_2", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor(epsilon2: double.NaN)).Message);
        Assert.Contains("clip_threshold", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor(clipThreshold: 0)).Message);
        Assert.Contains("learning_rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Adafactor(learningRate: -1)).Message);
        // beta_2_decay 0 (beta_2 = 0, no memory) and epsilon_2 0 are allowed, as in Keras.
        _ = new Adafactor(beta2Decay: 0, epsilon2: 0);
    }

    [Fact]
    public void SteadyStateApply_AllocatesNothing() =>
        // OptimizerBehaviourTests' check (a 784x128 kernel, a bias and a parameter without gradient; plain, clipnorm,
        // global_clipnorm with weight decay, clipvalue) on Adafactor, whose scratch is made on the first step.
        new OptimizerBehaviourTests().SteadyStateApply_AllocatesNothing("adafactor");

    [Fact]
    public void ANonFiniteStep_IsRefusedWhole_WithTheGuardOn()
    {
        // 20,000 elements: the guard hands the update over in chunks of 8192, and the last chunk's call updates the
        // whole weight; a NaN gradient must still put every weight and state value back.
        var kernel = Parameter("dense/kernel", 15, 100, 200);
        var optimizer = new Adafactor(learningRate: 0.01) { RefuseNonFiniteUpdates = true };
        kernel.Grad = Tensor.FromArray(Gradient(20_000, 1), 100, 200);
        Assert.True(optimizer.Apply([kernel]));
        float[] weights = kernel.ToArray();
        var state = optimizer.SavedState(kernel).Select(s => s.Values.ToArray()).ToArray();

        var g = Gradient(20_000, 2);
        g[5] = float.NaN;
        kernel.Grad = Tensor.FromArray(g, 100, 200);
        Assert.False(optimizer.Apply([kernel]));
        Assert.True(optimizer.LastStepRefused);
        Assert.Equal(1, optimizer.Iterations);
        Assert.Equal(weights, kernel.Data);
        Assert.Equal(state, optimizer.SavedState(kernel).Select(s => s.Values));

        // The next finite step is the second step of a run that never saw the refused one.
        var twin = Parameter("dense/kernel", 15, 100, 200);
        var unguarded = new Adafactor(learningRate: 0.01);
        foreach (int step in new[] { 1, 3 })
        {
            twin.Grad = Tensor.FromArray(Gradient(20_000, step), 100, 200);
            unguarded.Apply([twin]);
        }
        kernel.Grad = Tensor.FromArray(Gradient(20_000, 3), 100, 200);
        Assert.True(optimizer.Apply([kernel]));
        Assert.Equal(twin.Data, kernel.Data);
    }

    [Fact]
    public void ADenseModelTrainsWithAdafactorByName()
    {
        var (x, labels) = Synthetic.Classification(200, 6, 3, seed: 3, noise: 0.3);
        var y = Preprocessing.ToCategorical(labels, 3);
        Utils.SetRandomSeed(5);
        var model = new Sequential(new Dense(16, activation: "relu", inputShape: [6]), new Dense(3, activation: "softmax"));
        model.Compile(optimizer: "adafactor", loss: "categorical_crossentropy");
        Assert.IsType<Adafactor>(model.Optimizer);
        var loss = model.Fit(x, y, epochs: 15, batchSize: 16, verbose: 0)["loss"];
        Assert.True(loss[^1] < 0.9 * loss[0], $"losses {string.Join(", ", loss)}");
        Assert.All(loss, l => Assert.True(double.IsFinite(l)));
    }

    // ---- saving: as OptimizerStateSavingTests, a loaded model must train on to the bits the saved one reaches ----

    internal static Sequential Classifier() => new(
        new Dense(8, activation: "relu", inputShape: [4]),
        new BatchNormalization(),
        new Dense(3, activation: "softmax"));

    internal static Sequential ConvClassifier() => new(
        new Conv2D(4, kernelSize: 3, activation: "relu", inputShape: [6, 6, 1]),
        new Flatten(),
        new Dense(3, activation: "softmax"));

    private static (Tensor X, Tensor Y) Blobs(bool images)
    {
        var (x, labels) = Synthetic.Classification(120, images ? 36 : 4, 3, seed: 2, noise: 0.3);
        return (images ? Tensor.FromArray(x.Data, 120, 6, 6, 1) : x, Preprocessing.ToCategorical(labels, 3));
    }

    internal static Sequential Trained(bool images)
    {
        Utils.SetRandomSeed(11);
        var model = images ? ConvClassifier() : Classifier();
        model.Compile(new Adafactor(0.05), "categorical_crossentropy");
        var (x, y) = Blobs(images);
        model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0);
        return model;
    }

    internal static float[][] TrainOneMoreEpoch(Model model, bool images)
    {
        var (x, y) = Blobs(images);
        Utils.SetRandomSeed(99);
        model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);
        return model.GetWeights().Select(w => (float[])w.Data.Clone()).ToArray();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void ALoadedModelTrainsOnBitwiseAsTheSavedOne(bool images, bool earlierSafetensorsLayout)
    {
        using var folder = new TempFolder();
        var trained = Trained(images);
        string path = folder.File("model.keras");
        if (earlierSafetensorsLayout) NablaSafetensorsArchive.Save(trained, path);
        else trained.Save(path);
        AdafactorStateShapeTests.AssertRAndCWrittenAtKerasShapes(path, trained, earlierSafetensorsLayout);
        var loaded = Model.Load(path);
        Assert.IsType<Adafactor>(loaded.Optimizer);
        Assert.Equal(trained.Optimizer!.Iterations, loaded.Optimizer!.Iterations);

        var expected = TrainOneMoreEpoch(trained, images);
        var actual = TrainOneMoreEpoch(loaded, images);
        for (int w = 0; w < expected.Length; w++) Assert.Equal(expected[w], actual[w]);
    }

    [Fact]
    public void WithoutTheStateTheNextEpochDiffers()
    {
        // The test above could pass if r, c and v did not matter: a fresh Adafactor at the same iteration count
        // (same rho and beta) must land elsewhere.
        using var folder = new TempFolder();
        var trained = Trained(images: false);
        string path = folder.File("model.keras");
        trained.Save(path);
        var fresh = Model.Load(path);
        long iterations = fresh.Optimizer!.Iterations;
        fresh.Compile(new Adafactor(0.05), "categorical_crossentropy");
        fresh.Optimizer!.Iterations = iterations;
        Assert.NotEqual(TrainOneMoreEpoch(trained, false)[0], TrainOneMoreEpoch(fresh, false)[0]);
    }
}
