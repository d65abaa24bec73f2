using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

public class MultiInputOutputTests
{
    /// <summary>Two inputs (features and a side signal), two outputs: a class and a regression value.</summary>
    private static (Model model, Tensor[] x, Tensor[] y) TwoByTwo(int samples = 256)
    {
        Utils.SetRandomSeed(11);
        var features = new Input([6], name: "features");
        var side = new Input([2], name: "side");
        var trunk = new Dense(16, activation: "relu", name: "trunk").Apply(new Concatenate(name: "joined").Apply(features, side));
        var classes = new Dense(3, activation: "softmax", name: "out_a").Apply(trunk);
        var value = new Dense(1, name: "out_b").Apply(trunk);
        var model = new Model([features, side], [classes, value], name: "two_by_two");

        var (x, labels) = Nabla.Data.Synthetic.Classification(samples, 6, 3, seed: 4, noise: 0.2);
        var sideData = GradientCheck.Random(5, -1, 1, samples, 2);
        var target = new Tensor(samples, 1);
        for (int i = 0; i < samples; i++) target.Data[i] = x.Data[i * 6] - sideData.Data[i * 2 + 1];
        return (model, [x, sideData], [Nabla.Data.Preprocessing.ToCategorical(labels, 3), target]);
    }

    [Fact]
    public void TwoInputsTwoOutputsTrainWithKerasHistoryKeys()
    {
        var (model, x, y) = TwoByTwo();
        model.Compile(optimizer: "adam", loss: new[] { "categorical_crossentropy", "mse" },
            metrics: [new[] { "accuracy" }, null], lossWeights: new[] { 1.0, 0.5 });
        var history = model.Fit(x, y, epochs: 8, batchSize: 32, validationSplit: 0.25, verbose: 0);

        Assert.Equal(["loss", "out_a_accuracy", "out_a_loss", "out_b_loss", "val_loss", "val_out_a_accuracy", "val_out_a_loss", "val_out_b_loss"],
            history.Keys.Order());
        Assert.True(history["out_a_loss"][^1] < history["out_a_loss"][0]);
        Assert.True(history["out_b_loss"][^1] < history["out_b_loss"][0]);
        // The total is the weighted sum of the outputs' losses (no regularizers here).
        var results = model.Evaluate(x, y);
        Assert.Equal(results["out_a_loss"] + 0.5 * results["out_b_loss"], results["loss"], 1e-5);
    }

    [Fact]
    public void DictionariesKeyedByNameGiveTheSameResultsAsArrays()
    {
        var (model, x, y) = TwoByTwo();
        model.Compile("adam", new Dictionary<string, object?> { ["out_b"] = "mse", ["out_a"] = "categorical_crossentropy" },
            new Dictionary<string, object?> { ["out_a"] = "accuracy" });
        var byArrays = model.Evaluate(x, y);
        var byNames = model.Evaluate(
            new Dictionary<string, Tensor> { ["side"] = x[1], ["features"] = x[0] },
            new Dictionary<string, Tensor> { ["out_a"] = y[0], ["out_b"] = y[1] });
        Assert.Equal(byArrays, byNames);

        var predictions = model.Predict(new Dictionary<string, Tensor> { ["features"] = x[0], ["side"] = x[1] });
        Assert.Equal(2, predictions.Length);
        Assert.Equal([256, 3], predictions[0].Shape);
        Assert.Equal([256, 1], predictions[1].Shape);
        var direct = model.Call(x);
        Assert.Equal(direct[0].Data, predictions[0].Data);
        Assert.Equal(direct[1].Data, predictions[1].Data);

        var e = Assert.Throws<ArgumentException>(() => model.Predict(new Dictionary<string, Tensor> { ["features"] = x[0], ["sidee"] = x[1] }));
        Assert.Contains("'sidee'", e.Message);
        Assert.Contains("features, side", e.Message);
    }

    [Fact]
    public void AnOutputWithoutALossTrainsNothingThroughItAndNeedsNoTargets()
    {
        var (model, x, y) = TwoByTwo();
        model.Compile("sgd", new object?[] { "categorical_crossentropy", null });
        var before = model.GetWeights();
        model.Fit(x, [y[0], null], epochs: 1, verbose: 0);
        var after = model.GetWeights();
        var names = model.Weights.Select(w => w.Name).ToList();
        Assert.Equal(before[names.IndexOf("out_b/kernel")].Data, after[names.IndexOf("out_b/kernel")].Data);
        Assert.NotEqual(before[names.IndexOf("out_a/kernel")].Data, after[names.IndexOf("out_a/kernel")].Data);
    }

    [Fact]
    public void PredictOnAMultiOutputModelWithOneTensorPointsToTheArrayForm()
    {
        var (model, x, _) = TwoByTwo();
        var e = Assert.Throws<ArgumentException>(() => model.Predict(x[0]));
        Assert.Contains("Predict(Tensor[])", e.Message);
    }

    [Fact]
    public void CompileChecksPerOutputArgumentsAgainstTheOutputs()
    {
        var (model, _, _) = TwoByTwo();
        var count = Assert.Throws<ArgumentException>(() => model.Compile("adam", new[] { "mse" }));
        Assert.Contains("2 outputs", count.Message);
        var key = Assert.Throws<ArgumentException>(() => model.Compile("adam", new Dictionary<string, object?> { ["out_c"] = "mse" }));
        Assert.Contains("'out_c'", key.Message);
        // keras/src/trainers/compile_utils.py: a metrics list for several outputs has one entry per output.
        var metrics = Assert.Throws<ArgumentException>(() => model.Compile("adam", "mse", metrics: ["accuracy"]));
        Assert.Contains("one entry per output", metrics.Message);
    }

    [Fact]
    public void WrongSampleCountsAndShapesNameTheInput()
    {
        var (model, x, y) = TwoByTwo();
        model.Compile("adam", new[] { "categorical_crossentropy", "mse" });
        var shortSide = DataChecksRows(x[1], 10);
        var e = Assert.Throws<ArgumentException>(() => model.Fit([x[0], shortSide], y, verbose: 0));
        Assert.Contains("x['side']", e.Message);
        var wrongY = Assert.Throws<ArgumentException>(() => model.Fit(x, [y[0], new Tensor(256, 2)], verbose: 0));
        Assert.Contains("y['out_b']", wrongY.Message);
    }

    private static Tensor DataChecksRows(Tensor t, int rows) =>
        Tensor.FromArray(t.Data.AsSpan(0, rows * t.Shape[1]).ToArray(), rows, t.Shape[1]);

    [Fact]
    public void SteadyStateMultiInputMultiOutputStepAllocatesNothing()
    {
        var (model, x, y) = TwoByTwo(samples: 32);
        model.Compile("adam", new[] { "categorical_crossentropy", "mse" }, lossWeights: new[] { 1.0, 2.0 });
        for (int i = 0; i < 5; i++) model.TrainOnBatch(x, y);
        long allocated = long.MaxValue;
        for (int window = 0; window < 5 && allocated > 0; window++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) model.TrainOnBatch(x, y);
            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        Assert.True(allocated == 0, $"20 steady-state steps allocated {allocated} bytes.");
    }
}
