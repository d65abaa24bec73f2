using System.Security.Cryptography;
using Nabla.Data;

namespace Nabla.Datasets;

/// <summary>
/// The MNIST sample embedded in Nabla.dll (data/mnist-sample, made by tools/mnist-sample). Its
/// SHA-256 checksums are checked on every load, so a damaged build cannot feed wrong digits.
/// </summary>
internal static class MnistSample
{
    public const int TrainCount = 8000;
    public const int TestCount = 2000;

    private const string ResourcePrefix = "Nabla.Datasets.MnistSample.";

    /// <summary>SHA-256 of each embedded .gz file, as listed in data/mnist-sample/README.md.</summary>
    private static readonly Dictionary<string, string> Sha256 = new()
    {
        ["train-images-idx3-ubyte.gz"] = "d3ca8afa41f61c04b461f08d22c8abf063fc6f65f0823770a309b7522c1cf885",
        ["train-labels-idx1-ubyte.gz"] = "9a8e102aaddb0d0cf92b3f0f0a5647761540f5399dd3931889367ee3e6b55e80",
        ["t10k-images-idx3-ubyte.gz"] = "a94eb9362edbe4eb42e25532fa15e1e4df8b991a2782dc26f81c038cbf633289",
        ["t10k-labels-idx1-ubyte.gz"] = "f78666bd5e8876d322d008d8bf446287d1cd0ab28ec75263c7e46728bfa329df",
    };

    public static ((Tensor XTrain, Tensor YTrain), (Tensor XTest, Tensor YTest)) Load()
    {
        var names = IdxImageDataset.FileNames;
        var train = IdxImageDataset.Pair(Read(names[0]), Read(names[1]), Display(names[0]), Display(names[1]));
        var test = IdxImageDataset.Pair(Read(names[2]), Read(names[3]), Display(names[2]), Display(names[3]));
        return (train, test);
    }

    private static string Display(string file) => $"embedded resource {ResourcePrefix}{file}";

    private static Tensor Read(string file)
    {
        byte[] bytes = ReadResource(file);
        string actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (actual != Sha256[file])
            throw DataFormatException.InFile(Display(file), $"SHA-256 {Sha256[file]}", $"SHA-256 {actual} (the assembly is damaged or was built from other data)");
        return Idx.Load(new MemoryStream(bytes, writable: false), Display(file));
    }

    internal static byte[] ReadResource(string file)
    {
        using var stream = typeof(MnistSample).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"{Display(file)} is missing from Nabla.dll; check the EmbeddedResource item in Nabla.csproj.");
        using var copy = new MemoryStream((int)stream.Length);
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
