using BenchmarkDotNet.Attributes;
using Nabla.Data;
using StbImageWriteSharp;

namespace Nabla.Bench;

/// <summary>
/// <c>Images.DatasetFromDirectory</c> over 400 JPEG files of 320x240 (4 class folders), resized to 180x180 as Keras's
/// flowers tutorial does, decoding on one thread or on every core. Run:
/// <c>dotnet run -c Release --project bench/Nabla.Bench -- --filter *ImageFolder*</c>.
/// </summary>
public class ImageFolderBenchmarks
{
    private string folder = null!;

    [Params(1, 2)]
    public int DecodeThreads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        folder = Directory.CreateTempSubdirectory("nabla-bench-images-").FullName;
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
