using BenchmarkDotNet.Attributes;
using Nabla.Layers;

namespace Nabla.Bench;

/// <summary>
/// One training step and one prediction of a small CNN on 32x32 RGB images (Conv2D 3 → 32, max pooling,
/// Conv2D 32 → 64, BatchNormalization, global average pooling, Dense 10), built channels-last and channels-first:
/// a channels-first layer transposes its input and output around the channels-last computation, so the difference is
/// the cost of those transposes. Run: <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *ChannelsFirst* --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class ChannelsFirstBenchmarks
{
    private Sequential model = null!;
    private Tensor x = null!, y = null!;

    [Params("channels_last", "channels_first")]
    public string DataFormat { get; set; } = "channels_last";

    [Params(32)]
    public int Batch { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        bool first = DataFormat == "channels_first";
        var rng = new RandomGenerator(1);
        x = first ? new Tensor(Batch, 3, 32, 32) : new Tensor(Batch, 32, 32, 3);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)rng.NextDouble();
        y = new Tensor(Batch);
        for (int i = 0; i < y.Size; i++) y.Data[i] = i % 10;
        Utils.SetRandomSeed(1);
        model = new Sequential(
            new Conv2D(32, 3, padding: "same", activation: "relu", dataFormat: DataFormat, inputShape: first ? [3, 32, 32] : [32, 32, 3]),
            new MaxPooling2D(2, dataFormat: DataFormat),
            new Conv2D(64, 3, padding: "same", activation: "relu", dataFormat: DataFormat),
            new BatchNormalization(axis: first ? 1 : -1),
            new GlobalAveragePooling2D(dataFormat: DataFormat),
            new Dense(10, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        model.TrainOnBatch(x, y);
    }

    [Benchmark]
    public double TrainStep() => model.TrainOnBatch(x, y);

    [Benchmark]
    public Tensor Predict() => model.Predict(x, batchSize: Batch);
}
