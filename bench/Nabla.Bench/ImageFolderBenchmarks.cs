using BenchmarkDotNet.Attributes;
using Nabla.Data;
using Nabla.Layers;
using StbImageWriteSharp;

namespace Nabla.Bench;

/// <summary>400 JPEG files of 320x240 in 4 class folders, the benchmarks' image folder.</summary>
internal static class BenchImageFolder
{
    public static string Write()
    {
        string folder = Directory.CreateTempSubdirectory("nabla-bench-images-").FullName;
        var random = new Random(1);
        var pixels = new byte[240 * 320 * 3];
        for (int c = 0; c < 4; c++)
        {
            Directory.CreateDirectory(Path.Combine(folder, $"class{c}"));
            for (int i = 0; i < 100; i++)
            {
                for (int k = 0; k < pixels.Length; k++) pixels[k] = (byte)((k % 960 * (c + 1) / 3 + k / 960 * 2 + random.Next(30)) & 255);
                using var stream = File.Create(Path.Combine(folder, $"class{c}", $"{i}.jpg"));
                new ImageWriter().WriteJpg(pixels, 320, 240, ColorComponents.RedGreenBlue, stream, 90);
            }
        }
        return folder;
    }
}

/// <summary>
/// <c>Images.DatasetFromDirectory</c> over the image folder, resized to 180x180 as Keras's flowers tutorial does,
/// decoding on one thread or on every core. Run:
/// <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *ImageFolderBenchmarks*</c>.
/// </summary>
public class ImageFolderBenchmarks
{
    private string folder = null!;

    [Params(1, 2)]
    public int DecodeThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        folder = BenchImageFolder.Write();
        ImageFile.DecodeThreads = DecodeThreads;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ImageFile.DecodeThreads = Environment.ProcessorCount;
        Directory.Delete(folder, recursive: true);
    }

    [Benchmark]
    public LabeledImages ReadFlowersSizedFolder() => Images.DatasetFromDirectory(folder, imageSize: (180, 180), seed: 1, verbose: false);
}

/// <summary>
/// One epoch of a small CNN on the image folder at 96x96, batches of 32: the folder read whole into memory first
/// (<c>DatasetFromDirectory</c>), or decoded batch by batch as training reads it (<c>BatchesFromDirectory</c>) with
/// 1 worker (each batch decoded when the model needs it) or 2 (the next batches decoded while the model trains).
/// Run: <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *ImageFolderTraining*</c>.
/// </summary>
public class ImageFolderTrainingBenchmarks
{
    private string folder = null!;

    [Params("in memory", "batches, 1 worker", "batches, 2 workers")]
    public string Source { get; set; } = "";

    [GlobalSetup]
    public void Setup() => folder = BenchImageFolder.Write();

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(folder, recursive: true);

    [Benchmark]
    public double OneEpoch()
    {
        Utils.SetRandomSeed(1);
        var model = new Sequential(new Rescaling(1.0 / 255, inputShape: [96, 96, 3]), new Conv2D(16, 3, strides: 2, activation: "relu"),
            new MaxPooling2D(2), new Conv2D(32, 3, activation: "relu"), new GlobalAveragePooling2D(), new Dense(4, activation: "softmax"));
        model.Compile("adam", "sparse_categorical_crossentropy");
        if (Source == "in memory")
        {
            var data = Images.DatasetFromDirectory(folder, imageSize: (96, 96), seed: 1, verbose: false);
            return model.Fit(data.Images, data.Labels!, epochs: 1, batchSize: 32, verbose: 0)["loss"][0];
        }
        var batches = Images.BatchesFromDirectory(folder, batchSize: 32, imageSize: (96, 96), seed: 1, verbose: false,
            workers: Source.EndsWith("2 workers") ? 2 : 1);
        return model.Fit(batches, epochs: 1, verbose: 0)["loss"][0];
    }
}
