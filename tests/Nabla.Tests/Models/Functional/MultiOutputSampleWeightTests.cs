using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models.Functional;

/// <summary>Keras's sample_weight for a model with several outputs: one array weighs every output's loss, a list or a
/// dictionary gives each output its own (keras/src/trainers/compile_utils.py, CompileLoss).</summary>
public class MultiOutputSampleWeightTests
{
    private static (Model Model, Dense HeadA, Tensor X, Tensor Ya, Tensor Yb) TwoHeads()
    {
        Utils.SetRandomSeed(12);
        var input = new Input([3], name: "in");
        var headA = new Dense(2, name: "out_a");
        var model = new Model(input, [headA.Apply(input), new Dense(1, name: "out_b").Apply(input)]);
        model.Compile("sgd", new[] { "mse", "mse" });
        return (model, headA, GradientCheck.Random(1, -1, 1, 8, 3), GradientCheck.Random(2, -1, 1, 8, 2), GradientCheck.Random(3, -1, 1, 8, 1));
    }

    private static Tensor Fill(int n, float value) => Tensor.FromArray(Enumerable.Repeat(value, n).ToArray(), n);

    [Fact]
    public void OneArrayWeighsEveryOutputsLoss()
    {
        var (model, _, x, ya, yb) = TwoHeads();
        var plain = model.Evaluate([x], [ya, yb]);
        // "sum_over_batch_size" divides the weighted sum by the batch size: weights of 2 double every loss.
        var doubled = model.Evaluate([x], [ya, yb], sampleWeight: Fill(8, 2));
        Assert.Equal(2 * plain["out_a_loss"], doubled["out_a_loss"], 1e-5);
        Assert.Equal(2 * plain["out_b_loss"], doubled["out_b_loss"], 1e-5);
        Assert.Equal(2 * plain["loss"], doubled["loss"], 1e-5);
    }

    [Fact]
    public void EachOutputCanHaveItsOwnWeightsAsAListOrByName()
    {
        var (model, _, x, ya, yb) = TwoHeads();
        var plain = model.Evaluate([x], [ya, yb]);
        var weights = Tensor.FromArray([1, 0, 1, 0, 1, 0, 1, 0], 8);
        var byList = model.Evaluate([x], [ya, yb], sampleWeightPerOutput: [Fill(8, 0), null]);
        Assert.Equal(0, byList["out_a_loss"]);
        Assert.Equal(plain["out_b_loss"], byList["out_b_loss"], 1e-6);
        Assert.Equal(plain["out_b_loss"], byList["loss"], 1e-6);

        var byName = model.Evaluate(new Dictionary<string, Tensor> { ["in"] = x },
            new Dictionary<string, Tensor> { ["out_a"] = ya, ["out_b"] = yb }, sampleWeight: new Dictionary<string, Tensor> { ["out_b"] = weights });
        Assert.Equal(plain["out_a_loss"], byName["out_a_loss"], 1e-6);
        // Half the samples weigh 0: out_b's loss is the even samples' squared errors over the whole batch.
        var predictions = model.Predict([x])[1];
        double expected = Enumerable.Range(0, 8).Where(i => i % 2 == 0).Sum(i => Math.Pow(predictions.Data[i] - yb.Data[i], 2)) / 8;
        Assert.Equal(expected, byName["out_b_loss"], 1e-5);
    }

    [Fact]
    public void FitWithZeroWeightsOnOneOutputLeavesItsHeadUntrained()
    {
        var (model, headA, x, ya, yb) = TwoHeads();
        var before = headA.Kernel.Clone();
        var others = model.Layers.Single(l => l.Name == "out_b").Weights[0].Clone();
        model.Fit([x], [ya, yb], epochs: 2, batchSize: 4, verbose: 0, validationSplit: 0.25, sampleWeightPerOutput: [Fill(8, 0), null]);
        Assert.Equal(before.Data, headA.Kernel.Data);
        Assert.NotEqual(others.Data, model.Layers.Single(l => l.Name == "out_b").Weights[0].Data);
    }

    [Fact]
    public void BadWeightsAndClassWeightAreRefusedByName()
    {
        var (model, _, x, ya, yb) = TwoHeads();
        Assert.Contains("sampleWeightPerOutput[1] ('out_b')", Assert.Throws<ArgumentException>(() =>
            model.Evaluate([x], [ya, yb], sampleWeightPerOutput: [null, Fill(7, 1)])).Message);
        Assert.Contains("2 outputs", Assert.Throws<ArgumentException>(() =>
            model.Evaluate([x], [ya, yb], sampleWeightPerOutput: [null])).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() =>
            model.Evaluate([x], [ya, yb], sampleWeight: Fill(8, 1), sampleWeightPerOutput: [null, null])).Message);
        Assert.Contains("classWeight is supported for single-output models only", Assert.Throws<ArgumentException>(() =>
            model.Fit([x], [ya, yb], verbose: 0, classWeight: new Dictionary<int, double> { [0] = 2 })).Message);
    }

    /// <summary>Keras's PyDataset may return (x, y, sample_weight) with a list of weights, one per output.</summary>
    [Fact]
    public void ADatasetsBatchesCanWeighEachOutputAsArraysDo()
    {
        var (model, headA, x, ya, yb) = TwoHeads();
        var weights = Tensor.FromArray([1, 0, 1, 0, 1, 0, 1, 0], 8);
        var onArrays = model.Evaluate([x], [ya, yb], batchSize: 4, sampleWeightPerOutput: [Fill(8, 0), weights]);
        var halves = new[] { Enumerable.Range(0, 4).ToArray(), Enumerable.Range(4, 4).ToArray() };
        Nabla.Data.DataBatch Half(int h, Tensor?[] perOutput) => new([Nabla.Data.Preprocessing.TakeRows(x, halves[h])],
            [Nabla.Data.Preprocessing.TakeRows(ya, halves[h]), Nabla.Data.Preprocessing.TakeRows(yb, halves[h])],
            sampleWeightPerOutput: perOutput.Select(w => w is null ? null : Nabla.Data.Preprocessing.TakeRows(w, halves[h])).ToArray());
        var dataset = new Batches(Half(0, [Fill(8, 0), weights]), Half(1, [Fill(8, 0), weights]));
        var onDataset = model.Evaluate(dataset);
        foreach (var key in onArrays.Keys) Assert.Equal(onArrays[key], onDataset[key], 1e-6);
        Assert.Equal(0, onDataset["out_a_loss"]);

        var before = headA.Kernel.Clone();
        model.Fit(dataset, epochs: 2, verbose: 0);
        Assert.Equal(before.Data, headA.Kernel.Data);

        var tooShort = new Batches(new Nabla.Data.DataBatch([x], [ya, yb], sampleWeightPerOutput: [null, Fill(7, 1)]));
        Assert.Contains("output 1's sample weight has shape [7]", Assert.Throws<ArgumentException>(() => model.Evaluate(tooShort)).Message);
        var tooFew = new Batches(new Nabla.Data.DataBatch([x], [ya, yb], sampleWeightPerOutput: [null]));
        Assert.Contains("Batches batch 0: 'sampleWeightPerOutput' has 1 entries but model", Assert.Throws<ArgumentException>(() => model.Evaluate(tooFew)).Message);
        Assert.Throws<ArgumentException>(() => new Nabla.Data.DataBatch([x], [ya, yb], Fill(8, 1), [null, null]));
    }

    private sealed class Batches(params Nabla.Data.DataBatch[] batches) : Nabla.Data.Dataset
    {
        public override int? BatchCount => batches.Length;
        public override Nabla.Data.DataBatch GetBatch(int index) => batches[index];
    }
}
