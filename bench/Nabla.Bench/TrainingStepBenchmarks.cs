using BenchmarkDotNet.Attributes;
using Nabla.Layers;

namespace Nabla.Bench;

/// <summary>
/// One steady-state training step of the seed's network (784-128-10, softmax, MSE, Adam) at the batch
/// sizes the issue names, with allocation counting: the step must allocate nothing.
/// Run: <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *TrainingStep*</c>.
/// </summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private Sequential model = null!;
    private Tensor x = null!, y = null!;

    [Params(32, 128, 1024)]
    public int Batch { get; set; }

    [Params("relu", "sigmoid")]
    public string Activation { get; set; } = "relu";

    [GlobalSetup]
    public void Setup()
    {
        var rng = new RandomGenerator(1);
        x = new Tensor(Batch, 784);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        y = new Tensor(Batch, 10);
        for (int r = 0; r < Batch; r++) y.Data[r * 10 + rng.NextInt(10)] = 1;
        Utils.SetRandomSeed(1);
        model = new Sequential(new Dense(128, activation: Activation, inputShape: [784]), new Dense(10, activation: "softmax"));
        model.Compile("adam", "mse");
        model.TrainOnBatch(x, y);
    }

    [Benchmark]
    public double TrainStep() => model.TrainOnBatch(x, y);
}
