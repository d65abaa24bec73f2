using Nabla.Layers;
using Nabla.Losses;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Models;

/// <summary>
/// Keras's weighted losses: loss = Σ wᵢ·lᵢ / N for "sum_over_batch_size" (keras/src/losses/loss.py reduces the
/// weighted values by their count, not by Σw), Σ wᵢ·lᵢ for "sum"; class weights become sample weights.
/// </summary>
public class SampleWeightTests
{
    private static readonly Tensor Weights = Tensor.FromArray([1f, 0f, 2f, 0.5f], 4);

    [Fact]
    public void WeightedMseIsTheWeightedSumOverTheBatchSize()
    {
        var yTrue = Tensor.FromArray([1f, 2, 3, 4], 4);
        var yPred = new Tensor(4, 1);
        // per-sample losses 1, 4, 9, 16; weighted 1 + 0 + 18 + 8 = 27
        Assert.Equal(27f / 4, new MeanSquaredError().Call(yTrue, yPred, Weights).Data[0]);
        Assert.Equal(27f, new MeanSquaredError(reduction: "sum").Call(yTrue, yPred, Weights).Data[0]);
    }

    [Fact]
    public void WeightedCategoricalCrossentropyWeighsEachRow()
    {
        var yTrue = new float[,] { { 0, 1 }, { 1, 0 }, { 1, 0 }, { 0, 1 } };
        var yPred = new float[,] { { 0.5f, 0.5f }, { 0.8f, 0.2f }, { 0.25f, 0.75f }, { 0.1f, 0.9f } };
        double expected = (1 * -Math.Log(0.5) + 0 + 2 * -Math.Log(0.25) + 0.5 * -Math.Log(0.9)) / 4;
        Assert.Equal(expected, new CategoricalCrossentropy().Call(yTrue, yPred, Weights).Data[0], 1e-5);
    }

    [Theory]
    [InlineData("mse")]
    [InlineData("categorical_crossentropy")]
    [InlineData("categorical_hinge")]
    public void WeightedGradientsMatchFiniteDifferences(string name)
    {
        var loss = Loss.Get(name);
        Tensor yTrue = new float[,] { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 0 } };
        var yPred = GradientCheck.Random(3, 0.2, 0.8, 4, 3);
        GradientCheck.Check(t => loss.Call(yTrue, t[0], Weights), [yPred]);
    }

    [Fact]
    public void EvaluateWithSampleWeightGivesTheHandComputedLoss()
    {
        var model = new Sequential(new Dense(1, kernelInitializer: "zeros", inputShape: [1])); // predicts 0
        model.Compile("sgd", "mse");
        var x = new Tensor(4, 1);
        var y = Tensor.FromArray([1f, 2, 3, 4], 4);
        // batches of 2: (1·1 + 0·4)/2 = 0.5 and (2·9 + 0.5·16)/2 = 13; the epoch loss is their mean by batch size
        Assert.Equal(6.75, model.Evaluate(x, y, batchSize: 2, sampleWeight: Weights)["loss"], 1e-6);
        Assert.Equal(7.5, model.Evaluate(x, y, batchSize: 2)["loss"], 1e-6);
    }

    private static (IReadOnlyList<Tensor> Weights, IReadOnlyList<double> Loss) Train(Tensor x, Tensor y,
        Tensor? sampleWeight = null, IReadOnlyDictionary<int, double>? classWeight = null)
    {
        Utils.SetRandomSeed(9);
        var model = new Sequential(new Dense(8, activation: "relu", inputShape: [4]), new Dense(1, activation: "sigmoid"));
        model.Compile("adam", "binary_crossentropy", ["accuracy"]);
        var history = model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0, sampleWeight: sampleWeight, classWeight: classWeight);
        return (model.GetWeights(), history["loss"]);
    }

    [Fact]
    public void ClassWeightTrainsExactlyAsTheSampleWeightsItStandsFor()
    {
        var (x, labels) = Nabla.Data.Synthetic.Classification(80, 4, 2, seed: 3);
        var byClass = Train(x, labels, classWeight: new Dictionary<int, double> { [1] = 3 });
        var bySample = Train(x, labels, sampleWeight: Tensor.FromArray(labels.Data.Select(l => l == 1 ? 3f : 1f).ToArray(), 80));
        var unweighted = Train(x, labels);
        Assert.Equal(bySample.Loss, byClass.Loss);
        for (int i = 0; i < byClass.Weights.Count; i++) Assert.Equal(bySample.Weights[i].Data, byClass.Weights[i].Data);
        Assert.NotEqual(unweighted.Loss, byClass.Loss);
        var ones = Train(x, labels, sampleWeight: Tensor.FromArray(Enumerable.Repeat(1f, 80).ToArray(), 80));
        Assert.Equal(unweighted.Loss, ones.Loss);
    }

    [Fact]
    public void ClassWeightReadsOneHotTargetsByArgmaxAndMissingClassesWeighOne()
    {
        Tensor y = new float[,] { { 0, 1, 0 }, { 1, 0, 0 }, { 0, 0, 1 } };
        Assert.Equal([2f, 1f, 0.5f], SampleWeights.FromClassWeight(y, new Dictionary<int, double> { [1] = 2, [2] = 0.5 }).Data);
        // integer targets [N, 1] are rounded: 0.9 is class 1; class 2 is not in the map
        Assert.Equal([1f, 3f, 1f], SampleWeights.FromClassWeight(Tensor.FromArray([0.9f, 0f, 2f], 3, 1),
            new Dictionary<int, double> { [1] = 1, [0] = 3, [5] = 7 }).Data);
    }

    [Fact]
    public void BadWeightsAreRefusedWithTheirShapeOrValue()
    {
        var (x, labels) = Nabla.Data.Synthetic.Classification(8, 4, 2, seed: 3);
        var model = new Sequential(new Dense(1, activation: "sigmoid", inputShape: [4]));
        model.Compile("sgd", "binary_crossentropy");
        Assert.Contains("shape [8]", Assert.Throws<ArgumentException>(() => model.Fit(x, labels, verbose: 0, sampleWeight: new Tensor(7))).Message);
        Assert.Contains("not both", Assert.Throws<ArgumentException>(() => model.Fit(x, labels, verbose: 0,
            sampleWeight: new Tensor(8), classWeight: new Dictionary<int, double>())).Message);
        var negative = Tensor.FromArray([1f, 1, -1, 1, 1, 1, 1, 1], 8);
        Assert.Contains("'sampleWeight'[2] = -1", Assert.Throws<ArgumentException>(() => model.Evaluate(x, labels, sampleWeight: negative)).Message);
    }
}
