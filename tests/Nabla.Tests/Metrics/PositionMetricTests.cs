using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Metrics;

/// <summary>Metrics on outputs with several positions per sample ([batch, steps, classes], [batch, h, w, classes]):
/// Keras's metric functions reduce over the last axis only, and its mean metrics average the positions
/// (keras/src/metrics/reduction_metrics.py, reduce_to_samplewise_values); a timestep mask leaves masked steps out
/// (MeanMetricWrapper.update_state applies it as sample weights).</summary>
public class PositionMetricTests
{
    private const int Samples = 6, Steps = 5, Classes = 3;

    private static Tensor Sequences() => GradientCheck.Random(11, -1, 1, Samples, Steps, 2);

    private static Tensor Labels()
    {
        var labels = new Tensor(Samples, Steps);
        for (int i = 0; i < labels.Size; i++) labels.Data[i] = (i * 7 + i / 3) % Classes;
        return labels;
    }

    private static Tensor OneHot(Tensor labels)
    {
        var rows = new Tensor(Samples, Steps, Classes);
        for (int i = 0; i < labels.Size; i++) rows.Data[i * Classes + (int)labels.Data[i]] = 1;
        return rows;
    }

    private static Sequential Tagger(Layer? first = null)
    {
        Utils.SetRandomSeed(3);
        var model = first is null
            ? new Sequential(new LSTM(4, returnSequences: true, inputShape: [Steps, 2]), new TimeDistributed(new Dense(Classes, activation: "softmax")))
            : new Sequential(first, new LSTM(4, returnSequences: true), new TimeDistributed(new Dense(Classes, activation: "softmax")));
        return model;
    }

    /// <summary>The share of positions whose argmax over the classes is the label, counting only positions whose weight is not 0.</summary>
    private static double Accuracy(Tensor predictions, Tensor labels, Func<int, float> weight)
    {
        double hits = 0, total = 0;
        for (int position = 0; position < labels.Size; position++)
        {
            var row = predictions.Data.AsSpan(position * Classes, Classes);
            int best = 0;
            for (int c = 1; c < Classes; c++) if (row[c] > row[best]) best = c;
            hits += weight(position) * (best == (int)labels.Data[position] ? 1 : 0);
            total += weight(position);
        }
        return hits / total;
    }

    [Fact]
    public void AccuracyOnASequenceOutputTakesTheArgmaxOfEachStep()
    {
        var model = Tagger();
        model.Compile("adam", "categorical_crossentropy", metrics: ["accuracy"]);
        var (x, labels) = (Sequences(), Labels());
        double expected = Accuracy(model.Predict(x), labels, _ => 1f);
        Assert.Equal(expected, model.Evaluate(x, OneHot(labels), batchSize: 4)["accuracy"], 1e-6);
        // Integer labels per step, with or without a class axis of 1, resolve to the sparse accuracy and agree.
        model.Compile("adam", "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        Assert.Equal(expected, model.Evaluate(x, labels, batchSize: 4)["accuracy"], 1e-6);
        Assert.Equal(expected, model.Evaluate(x, Tensor.FromArray(labels.Data, Samples, Steps, 1), batchSize: 4)["accuracy"], 1e-6);
    }

    [Fact]
    public void AMaskLeavesTheMaskedStepsOutOfMeanMetrics()
    {
        var model = Tagger(new Masking(inputShape: [Steps, 2]));
        model.Compile("adam", "sparse_categorical_crossentropy", metrics: ["accuracy", "mse"]);
        var (x, labels) = (Sequences(), Labels());
        // Sample s keeps its first s + 1 steps (the last sample keeps all of them).
        var kept = new bool[Samples * Steps];
        for (int s = 0; s < Samples; s++)
            for (int t = 0; t < Steps; t++)
            {
                kept[s * Steps + t] = t <= s;
                if (t > s) x.Data.AsSpan((s * Steps + t) * 2, 2).Clear();
            }
        var p = model.Predict(x);
        var result = model.Evaluate(x, Tensor.FromArray(labels.Data, Samples, Steps, 1), batchSize: 4);
        Assert.Equal(Accuracy(p, labels, i => kept[i] ? 1 : 0), result["accuracy"], 1e-6);
        Assert.NotEqual(Accuracy(p, labels, _ => 1f), result["accuracy"], 3);
        // Keras's mse broadcasts a label against the step's probabilities and averages over the classes.
        double squared = 0;
        int count = 0;
        for (int i = 0; i < labels.Size; i++)
        {
            if (!kept[i]) continue;
            for (int c = 0; c < Classes; c++) squared += Math.Pow(p.Data[i * Classes + c] - labels.Data[i], 2) / Classes;
            count++;
        }
        Assert.Equal(squared / count, result["mse"], 1e-5);
    }

    [Fact]
    public void FitLogsTheSameMaskedAccuracyAsEvaluateWhenTheWeightsDoNotMove()
    {
        var model = Tagger(new Masking(inputShape: [Steps, 2]));
        model.Compile(new Nabla.Optimizers.SGD(learningRate: 0), "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var (x, labels) = (Sequences(), Labels());
        for (int s = 0; s < Samples; s += 2) x.Data.AsSpan((s * Steps + Steps - 1) * 2, 2).Clear();
        var history = model.Fit(x, labels, epochs: 1, batchSize: 4, shuffle: false, verbose: 0);
        Assert.Equal(model.Evaluate(x, labels, batchSize: 4)["accuracy"], history["accuracy"][0], 1e-6);
    }

    [Fact]
    public void SampleWeightsWeighEachSamplesPositionsAndTheMaskMultipliesThem()
    {
        // Two samples of three steps over two classes; sample 0's last step is masked.
        var metric = new OutputMetric(0, new Nabla.Metrics.SparseCategoricalAccuracy(), "accuracy", weighted: true, positions: 3);
        float[] labels = [0, 1, 1, 1, 0, 0];
        float[] predictions = [0.9f, 0.1f, 0.2f, 0.8f, 0.7f, 0.3f, 0.4f, 0.6f, 0.6f, 0.4f, 0.1f, 0.9f];
        float[] sampleWeight = [2, 1];
        float[] mask = [1, 1, 0, 1, 1, 1];
        metric.Update(labels, predictions, 2, sampleWeight, mask);
        // Hits: sample 0 steps 0 and 1 (step 2 masked), sample 1 steps 0 and 1; weights 2, 2, 1, 1, 1.
        Assert.Equal((2 + 2 + 1 + 1) / 7.0, metric.Metric.Result(), 1e-12);
        // Keras's reduce_to_samplewise_values, written out: Σ_b w_b Σ_p m·v / P over Σ_b w_b Σ_p m / P.
        double total = (2 * (1 + 1 + 0) + 1 * (1 + 1 + 0)) / 3.0, count = (2 * 2 + 1 * 3) / 3.0;
        Assert.Equal(total / count, metric.Metric.Result(), 1e-12);
    }

    [Fact]
    public void OneWeightPerSequenceWeighsEveryStepOfItInTheLossAndTheMetrics()
    {
        var model = Tagger(new Masking(inputShape: [Steps, 2]));
        model.Compile("adam", "sparse_categorical_crossentropy", weightedMetrics: ["accuracy"]);
        var (x, labels) = (Sequences(), Labels());
        x.Data.AsSpan(0, 2 * 2).Clear(); // sample 0, steps 0 and 1
        var sampleWeight = Tensor.FromArray([0.5f, 2f, 1f, 0f, 3f, 1f], Samples);
        var p = model.Predict(x);
        bool Kept(int position) => position >= 2;
        var result = model.Evaluate(x, labels, batchSize: 4, sampleWeight: sampleWeight);
        Assert.Equal(Accuracy(p, labels, i => sampleWeight.Data[i / Steps] * (Kept(i) ? 1 : 0)), result["accuracy"], 1e-6);
        // The loss: Σ w·m·(−log p[label]) over the unmasked steps' count (Keras's apply_mask), batch by batch.
        double Batch(int first, int count)
        {
            double sum = 0, valid = 0;
            for (int i = first * Steps; i < (first + count) * Steps; i++)
            {
                if (!Kept(i)) continue;
                sum += sampleWeight.Data[i / Steps] * -Math.Log(p.Data[i * Classes + (int)labels.Data[i]]);
                valid++;
            }
            return sum / (valid + 1e-7);
        }
        double expectedLoss = (Batch(0, 4) * 4 + Batch(4, 2) * 2) / Samples;
        Assert.Equal(expectedLoss, result["loss"], 1e-5);
    }

    [Fact]
    public void WithoutAMaskASequencesWeightMultipliesEachOfItsStepLosses()
    {
        var model = Tagger();
        model.Compile("adam", "sparse_categorical_crossentropy");
        var (x, labels) = (Sequences(), Labels());
        var sampleWeight = Tensor.FromArray([0.5f, 2f, 1f, 0f, 3f, 1f], Samples);
        var p = model.Predict(x);
        // sum_over_batch_size: Σ w·(−log p[label]) over the batch's samples × steps, in one batch of 6.
        double sum = 0;
        for (int i = 0; i < labels.Size; i++) sum += sampleWeight.Data[i / Steps] * -Math.Log(p.Data[i * Classes + (int)labels.Data[i]]);
        Assert.Equal(sum / labels.Size, model.Evaluate(x, labels, batchSize: Samples, sampleWeight: sampleWeight)["loss"], 1e-5);
        var wrong = Assert.Throws<ArgumentException>(() => model.Evaluate(x, labels, sampleWeight: new Tensor(Samples, 2)));
        Assert.Contains("sampleWeight", wrong.Message);
    }

    [Fact]
    public void AConfusionMetricOnAMaskedOutputIsRefusedByName()
    {
        var model = Tagger(new Masking(inputShape: [Steps, 2]));
        model.Compile("adam", "categorical_crossentropy", metrics: [new Nabla.Metrics.Precision()]);
        var error = Assert.Throws<ArgumentException>(() => model.Evaluate(Sequences(), OneHot(Labels()), batchSize: 4));
        Assert.Contains("Precision", error.Message);
        Assert.Contains("mask", error.Message);
    }

    [Fact]
    public void AccuracyOnAnImageOutputIsPerPixel()
    {
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Conv2D(Classes, 1, activation: "softmax", inputShape: [2, 3, 2]));
        model.Compile("adam", "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var x = GradientCheck.Random(5, -1, 1, 5, 2, 3, 2);
        var labels = new Tensor(5, 2, 3);
        for (int i = 0; i < labels.Size; i++) labels.Data[i] = i % Classes;
        double expected = Accuracy(model.Predict(x), labels, _ => 1f);
        Assert.Equal(expected, model.Evaluate(x, labels, batchSize: 2)["accuracy"], 1e-6);
    }

    [Fact]
    public void EvaluateOnSeveralThreadsGivesTheAccuracyOfOneThread()
    {
        // 1,000 sequences of 40 values pass the size from which evaluation runs batches side by side.
        Utils.SetRandomSeed(6);
        var model = new Sequential(new TimeDistributed(new Dense(Classes, activation: "softmax"), inputShape: [Steps * 4, 2]));
        model.Compile("adam", "sparse_categorical_crossentropy", metrics: ["accuracy"]);
        var x = GradientCheck.Random(7, -1, 1, 1000, Steps * 4, 2);
        var labels = new Tensor(1000, Steps * 4);
        for (int i = 0; i < labels.Size; i++) labels.Data[i] = (i * 5 + i / 7) % Classes;
        double expected = Accuracy(model.Predict(x), labels, _ => 1f);
        Assert.Equal(expected, model.Evaluate(x, labels, batchSize: 32)["accuracy"], 1e-6);
    }
}
