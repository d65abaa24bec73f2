using BenchmarkDotNet.Attributes;
using Nabla.Layers;

namespace Nabla.Bench;

/// <summary>
/// One training step of a wide softmax classifier under sparse categorical crossentropy, which reads the logits behind
/// the softmax (as Keras's TensorFlow backend does), against the same layer without its softmax under the from-logits
/// loss: the loss's share of a step whose output has many classes.
/// Run: <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *Crossentropy* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class CrossentropyBenchmarks
{
    private Sequential model = null!;
    private Tensor x = null!, labels = null!;

    [Params(10, 1000, 10000)]
    public int Classes { get; set; }

    [Params("softmax", "logits")]
    public string Output { get; set; } = "softmax";

    [GlobalSetup]
    public void Setup()
    {
        const int batch = 128, features = 64;
        var rng = new RandomGenerator(1);
        x = new Tensor(batch, features);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        labels = new Tensor(batch);
        for (int r = 0; r < batch; r++) labels.Data[r] = rng.NextInt(Classes);
        Utils.SetRandomSeed(1);
        model = new Sequential(new Dense(Classes, activation: Output == "softmax" ? "softmax" : "linear", inputShape: [features]));
        model.Compile("sgd", new Losses.SparseCategoricalCrossentropy(fromLogits: Output == "logits"));
        model.TrainOnBatch(x, labels);
    }

    [Benchmark]
    public double TrainStep() => model.TrainOnBatch(x, labels);
}
