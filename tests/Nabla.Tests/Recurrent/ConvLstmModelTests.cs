using System.Diagnostics;
using Nabla.Configuration;
using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.Doctor;
using Xunit.Abstractions;

namespace Nabla.Tests.Recurrent;

/// <summary>Keras's "Next-frame video prediction with Convolutional LSTMs" example scaled down: ConvLSTM2D →
/// BatchNormalization → Conv3D(sigmoid) learning where a moving dot goes next, alone and under the doctor.</summary>
[Collection(DoctorCollection.Name)]
public class ConvLstmModelTests(ITestOutputHelper output)
{
    private const int Frames = 6, Size = 8;

    /// <summary>Clips of one dot moving one cell per frame in one of eight directions, bouncing off the borders; the inputs
    /// are frames 0..n−2, the targets frames 1..n−1.</summary>
    private static (Tensor X, Tensor Y) MovingDots(int clips, int seed)
    {
        var rng = new RandomGenerator(seed);
        var x = new Tensor(clips, Frames - 1, Size, Size, 1);
        var y = new Tensor(clips, Frames - 1, Size, Size, 1);
        (int, int)[] moves = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)];
        for (int n = 0; n < clips; n++)
        {
            int r = rng.NextInt(Size), c = rng.NextInt(Size);
            var (dr, dc) = moves[rng.NextInt(moves.Length)];
            for (int t = 0; t < Frames; t++)
            {
                int cell = r * Size + c;
                if (t < Frames - 1) x.Data[(n * (Frames - 1) + t) * Size * Size + cell] = 1;
                if (t > 0) y.Data[(n * (Frames - 1) + t - 1) * Size * Size + cell] = 1;
                if (r + dr is < 0 or >= Size) dr = -dr;
                if (c + dc is < 0 or >= Size) dc = -dc;
                r += dr;
                c += dc;
            }
        }
        return (x, y);
    }

    private static Sequential VideoModel() => new(
        new ConvLSTM2D(8, 3, padding: "same", returnSequences: true, activation: "relu", inputShape: [Frames - 1, Size, Size, 1]),
        // Keras's momentum 0.99 leaves the moving statistics half at their start after the 60 steps trained here, so that
        // inference would measure them rather than the layers; 0.9 lets them settle.
        new BatchNormalization(momentum: 0.9),
        new Conv3D(1, 3, activation: "sigmoid", padding: "same"));

    [Fact]
    public void TheVideoExampleLearnsAMovingDotBetterThanTheBestConstant()
    {
        Utils.SetRandomSeed(11);
        var model = VideoModel();
        model.Compile(new Nabla.Optimizers.Adam(0.01), "binary_crossentropy");
        var (x, y) = MovingDots(96, seed: 2);
        var watch = Stopwatch.StartNew();
        var history = model.Fit(x, y, epochs: 10, batchSize: 16, verbose: 0);
        output.WriteLine($"10 epochs of 96 clips [{Frames - 1}, {Size}, {Size}, 1]: {watch.Elapsed.TotalSeconds:F1} s");

        // The best constant prediction is the share of lit pixels, p = 1/64: its cross-entropy is H(p).
        double p = 1.0 / (Size * Size), constant = -(p * Math.Log(p) + (1 - p) * Math.Log(1 - p));
        var (testX, testY) = MovingDots(32, seed: 3);
        double loss = model.Evaluate(testX, testY)["loss"];
        output.WriteLine($"held-out loss {loss:F4}, best constant {constant:F4}; training losses {string.Join(", ", history["loss"].Select(l => l.ToString("F4")))}");
        Assert.True(loss < 0.3 * constant, $"held-out loss {loss} against the best constant's {constant}");
    }

    [Fact]
    public void TheDoctorWatchesTheVideoExampleWithoutFault()
    {
        // The doctor reads the ConvLSTM's kernels like any layer's; its output is no activation's, so it has no
        // pre-activation to watch.
        var (x, y) = MovingDots(64, seed: 4);
        var experiment = new Experiment
        {
            Name = "video", Model = Config.Parse(KerasModelJson.ToJson(VideoModel())), X = x, Y = y, Loss = "binary_crossentropy",
            Optimizer = Config.Parse("""{"class_name": "Adam", "config": {"learning_rate": 0.01}}"""), Metrics = [],
            ValidationSplit = 0.25, Epochs = 3, BatchSize = 16,
        };
        var result = ExperimentResult.Run(experiment);
        Assert.IsType<ConvLSTM2D>(result.Model.Layers[0]);
        Assert.DoesNotContain(result.Diagnosis.Findings, f => f.Severity == Severity.Error);
    }
}
