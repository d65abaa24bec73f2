using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

public class FitTests
{
    private static Sequential SmallClassifier(int inputs = 4, int classes = 3) => new(
        new Dense(16, activation: "relu", kernelInitializer: "he_uniform", inputShape: [inputs]),
        new Dense(classes, activation: "softmax"));

    private static (Tensor x, Tensor y) Blobs(int samples = 300, int features = 4, int classes = 3, int seed = 5)
    {
        var (x, labels) = Nabla.Data.Synthetic.Classification(samples, features, classes, seed, noise: 0.2);
        return (x, Nabla.Data.Preprocessing.ToCategorical(labels, classes));
    }

    [Fact]
    public void SameSeedGivesBitwiseIdenticalWeightsAndHistory()
    {
        var (x, y) = Blobs();
        (IReadOnlyList<Tensor> weights, IReadOnlyList<double> loss) Train()
        {
            Utils.SetRandomSeed(123);
            var model = SmallClassifier();
            model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
            var history = model.Fit(x, y, epochs: 3, batchSize: 16, validationSplit: 0.2, verbose: 0);
            return (model.GetWeights(), history["loss"]);
        }
        var a = Train();
        var b = Train();
        Assert.Equal(a.loss, b.loss);
        for (int i = 0; i < a.weights.Count; i++) Assert.Equal(a.weights[i].Data, b.weights[i].Data);
    }

    [Fact]
    public void LossDecreasesMonotonicallyOverTheFirstThreeEpochsOnSeparableMnistShapedData()
    {
        var (_, x, y, _) = SeedData.Make(samples: 600);
        Utils.SetRandomSeed(7);
        var model = new Sequential(new Dense(128, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        var loss = model.Fit(x, y, epochs: 3, verbose: 0)["loss"];
        Assert.True(loss[0] > loss[1] && loss[1] > loss[2], $"losses {string.Join(", ", loss)}");
    }

    [Fact]
    public void FitDefaultsAreKerasOnes()
    {
        // keras Model.fit(batch_size=None -> 32, epochs=1, shuffle=True, validation_split=0.0)
        var (x, y) = Blobs(samples: 100);
        Utils.SetRandomSeed(11);
        var model = SmallClassifier();
        model.Compile("adam", "categorical_crossentropy");
        int batches = 0;
        var counter = new Nabla.Callbacks.LambdaCallback(onBatchEnd: (_, _) => batches++);
        var history = model.Fit(x, y, callbacks: [counter], verbose: 0);
        Assert.Equal(4, batches);                  // ceil(100 / 32)
        Assert.Single(history["loss"]);            // one epoch
        Assert.False(history.ContainsKey("val_loss"));
    }

    [Fact]
    public void HistoryHasKerasKeysIncludingValidation()
    {
        var (x, y) = Blobs();
        Utils.SetRandomSeed(1);
        var model = SmallClassifier();
        model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 2, validationSplit: 0.25, verbose: 0);
        Assert.Equal(["loss", "accuracy", "val_loss", "val_accuracy"], history.Keys.ToArray());
        Assert.Equal(2, history["val_accuracy"].Count);
        Assert.Throws<KeyNotFoundException>(() => history["acc"]);
    }

    [Fact]
    public void ValidationSplitTakesTheLastSamplesBeforeShuffling()
    {
        // Keras: split_at = int(n * (1 - validation_split)); validation = the tail. Make the tail's labels
        // different from the head's so that a wrong split shows in val_loss: evaluate the tail directly.
        var (x, y) = Blobs(samples: 100);
        Utils.SetRandomSeed(2);
        var model = SmallClassifier();
        model.Compile("sgd", "categorical_crossentropy");
        var history = model.Fit(x, y, epochs: 1, validationSplit: 0.2, verbose: 0);
        var tail = model.Evaluate(DataRows(x, 80, 100), DataRows(y, 80, 100));
        Assert.Equal(tail["loss"], history["val_loss"][0], 1e-5);
    }

    private static Tensor DataRows(Tensor t, int start, int end)
    {
        int row = t.Size / t.Shape[0];
        return Tensor.FromArray(t.Data[(start * row)..(end * row)], [end - start, .. t.Shape[1..]]);
    }

    [Fact]
    public void SteadyStateTrainingStepAllocatesNothing()
    {
        var (x, y) = Blobs(samples: 32, features: 784, classes: 10);
        Utils.SetRandomSeed(3);
        var model = new Sequential(new Dense(128, activation: "relu", inputShape: [784]), new Dense(10, activation: "softmax"));
        model.Compile("adam", "mse");
        long allocated = Nabla.Tests.TestSupport.SteadyStateAllocation.OfTrainOnBatch(model, x, y);
        Assert.True(allocated == 0, $"20 steady-state steps allocated {allocated} bytes.");
    }

    [Fact]
    public void FitBeforeCompileThrowsNamingCompile()
    {
        var model = SmallClassifier();
        var (x, y) = Blobs();
        var e = Assert.Throws<InvalidOperationException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("Compile", e.Message);
    }

    [Fact]
    public void InputShapeMismatchNamesTheLayerAndBothShapes()
    {
        var model = SmallClassifier(inputs: 4);
        model.Compile("adam", "mse");
        var (x, y) = Blobs(features: 5);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("(None, 5)", e.Message);
        Assert.Contains("(None, 4)", e.Message);
        Assert.Contains(model.Layers[0].Name, e.Message);
    }

    [Fact]
    public void TargetShapeMismatchNamesTheOutputLayer()
    {
        var model = SmallClassifier(classes: 3);
        model.Compile("adam", "mse");
        var (x, y) = Blobs(classes: 4);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("(None, 4)", e.Message);
        Assert.Contains("(None, 3)", e.Message);
    }

    [Fact]
    public void SampleCountMismatchIsReported()
    {
        var model = SmallClassifier();
        model.Compile("adam", "mse");
        var (x, y) = Blobs();
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, DataRows(y, 0, 10), verbose: 0));
        Assert.Contains("300 samples", e.Message);
        Assert.Contains("10", e.Message);
    }

    [Fact]
    public void SparseLabelOutOfRangeIsReportedWithItsIndex()
    {
        var model = SmallClassifier(classes: 3);
        model.Compile("adam", "sparse_categorical_crossentropy");
        var x = GradientCheck.Random(1, -1, 1, 4, 4);
        var y = Tensor.FromArray([0f, 1f, 3f, 2f], 4);
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("[2] = 3", e.Message);
        Assert.Contains("0..2", e.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NonFiniteInputsOrTargetsAreRejected(float bad)
    {
        var model = SmallClassifier();
        model.Compile("adam", "mse");
        var (x, y) = Blobs();
        x.Data[4 * 7 + 2] = bad;
        var e = Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        Assert.Contains("sample 7", e.Message);
        (x, y) = Blobs();
        y.Data[5] = bad;
        Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.NegativeInfinity)]
    public void TrainOnBatchRejectsNonFiniteInputsNamingTheSampleAndLeavesTheWeights(float bad)
    {
        // TrainOnBatch checks x while it copies it into the step, not in a separate pass.
        var model = SmallClassifier();
        model.Compile("adam", "mse");
        var (x, y) = Blobs();
        model.TrainOnBatch(x, y); // captured once with clean data
        var before = model.GetWeights().Select(w => (float[])w.Data.Clone()).ToArray();
        x.Data[4 * 7 + 2] = bad;
        var e = Assert.Throws<ArgumentException>(() => model.TrainOnBatch(x, y));
        Assert.Contains("'x'", e.Message);
        Assert.Contains("sample 7", e.Message);
        var after = model.GetWeights();
        for (int w = 0; w < before.Length; w++) Assert.Equal(before[w], after[w].Data);
    }

    [Fact]
    public void EmptyDataIsRejected()
    {
        var model = SmallClassifier();
        model.Compile("adam", "mse");
        var e = Assert.Throws<ArgumentException>(() => model.Fit(new Tensor(0, 4), new Tensor(0, 3), verbose: 0));
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void AFailedFitLeavesTheWeightsAsTheyWere()
    {
        var model = SmallClassifier();
        model.Compile("adam", "mse");
        var before = model.GetWeights();
        var (x, y) = Blobs();
        y.Data[0] = float.NaN;
        Assert.Throws<ArgumentException>(() => model.Fit(x, y, verbose: 0));
        var after = model.GetWeights();
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Data, after[i].Data);
    }

    [Fact]
    public void UnknownNamesListTheValidOnes()
    {
        var model = SmallClassifier();
        var e = Assert.Throws<ArgumentException>(() => model.Compile("adamm", "mse"));
        Assert.Contains("adam", e.Message);
        e = Assert.Throws<ArgumentException>(() => new Dense(3, activation: "relux"));
        Assert.Contains("relu", e.Message);
    }

    [Fact]
    public void GetWeightsFollowsKerasOrderAndLayout()
    {
        var model = new Sequential(new Dense(5, inputShape: [3]), new Dense(2));
        var weights = model.GetWeights();
        Assert.Equal([[3, 5], [5], [5, 2], [2]], weights.Select(w => w.Shape).ToArray());
        var replaced = weights.Select(w => Tensor.Full(0.5f, w.Shape)).ToList();
        model.SetWeights(replaced);
        Assert.All(model.GetWeights(), w => Assert.All(w.Data, v => Assert.Equal(0.5f, v)));
        var e = Assert.Throws<ArgumentException>(() => model.SetWeights([.. replaced.Take(3), new Tensor(3)]));
        Assert.Contains("[2]", e.Message);
    }

    [Fact]
    public void PredictMatchesACallAndUsesInferenceMode()
    {
        var (x, _) = Blobs(samples: 70);
        Utils.SetRandomSeed(9);
        var model = new Sequential(new Dense(8, activation: "tanh", inputShape: [4]), new Dropout(0.5), new Dense(3, activation: "softmax"));
        var predicted = model.Predict(x, batchSize: 32);
        var again = model.Predict(x, batchSize: 7);
        Assert.Equal(predicted.Data, again.Data);
        var direct = model.Call(x);
        for (int i = 0; i < direct.Size; i++) Assert.Equal(direct.Data[i], predicted.Data[i], 1e-5);
    }

    [Fact]
    public void SummaryListsLayersShapesAndParameterCounts()
    {
        var model = new Sequential(new Dense(128, activation: "relu", inputShape: [784], name: "hidden"), new Dense(10, name: "out"));
        var text = model.Summary(TextWriter.Null);
        Assert.Contains("hidden (Dense)", text);
        Assert.Contains("(None, 128)", text);
        Assert.Contains("100480", text);   // 784·128 + 128
        Assert.Contains("1290", text);     // 128·10 + 10
        Assert.Contains("Total params: 101,770", text);
    }

    [Fact]
    public void ComputeGradientsAlignsWithGetWeightsAndMarksFrozenAsNull()
    {
        var (x, y) = Blobs(samples: 20);
        var model = SmallClassifier();
        model.Layers[0].Trainable = false;
        model.Compile("adam", "categorical_crossentropy");
        var grads = model.ComputeGradients(x, y);
        Assert.Equal(4, grads.Count);
        Assert.Null(grads[0]);
        Assert.Null(grads[1]);
        Assert.NotNull(grads[2]);
        Assert.Equal([16, 3], grads[2]!.Shape);
    }
}
