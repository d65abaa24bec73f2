using System.IO.Compression;
using Nabla.Data;
using Nabla.Layers;
using Nabla.Optimizers;
using Nabla.Serialization.Safetensors;
using Nabla.Tests.Data;

namespace Nabla.Tests.Serialization;

/// <summary>
/// A ".keras" archive carries the optimizer's state (Keras saves its optimizer variables with the model):
/// a loaded model must train on to exactly the bits the saved one reaches, from Keras 3's layout (written by
/// Save) and from the safetensors layout Nabla wrote before (<see cref="NablaSafetensorsArchive"/>).
/// </summary>
public class OptimizerStateSavingTests
{
    private static Sequential Classifier() => new(
        new Dense(8, activation: "relu", inputShape: [4]),
        new BatchNormalization(),
        new Dense(3, activation: "softmax"));

    private static (Tensor x, Tensor y) Blobs()
    {
        var (x, labels) = Synthetic.Classification(120, 4, 3, seed: 2, noise: 0.3);
        return (x, Preprocessing.ToCategorical(labels, 3));
    }

    public static TheoryData<string> OptimizerNames() => new(Optimizers.Keys);

    private static readonly Dictionary<string, Func<Optimizer>> Optimizers = new()
    {
        ["adam"] = () => new Adam(0.01),
        ["adam_amsgrad"] = () => new Adam(0.01, amsgrad: true),
        ["adamw"] = () => new AdamW(0.01),
        ["nadam"] = () => new Nadam(0.01),
        ["rmsprop_centered_momentum"] = () => new RMSprop(0.01, momentum: 0.5, centered: true),
        ["sgd_momentum"] = () => new SGD(0.05, momentum: 0.9),
        ["adagrad"] = () => new Adagrad(0.05),
        ["adadelta"] = () => new Adadelta(1.0),
        ["adamax"] = () => new Adamax(0.01),
        ["lion"] = () => new Lion(0.003),
        ["ftrl"] = () => new Ftrl(0.05),
    };

    private static Sequential Trained(string optimizer)
    {
        Utils.SetRandomSeed(11);
        var model = Classifier();
        model.Compile(Optimizers[optimizer](), "categorical_crossentropy");
        var (x, y) = Blobs();
        model.Fit(x, y, epochs: 2, batchSize: 16, verbose: 0);
        return model;
    }

    private static float[][] TrainOneMoreEpoch(Model model)
    {
        var (x, y) = Blobs();
        Utils.SetRandomSeed(99);
        model.Fit(x, y, epochs: 1, batchSize: 16, verbose: 0);
        return model.GetWeights().Select(w => (float[])w.Data.Clone()).ToArray();
    }

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void ALoadedModelTrainsOnBitwiseAsTheSavedOne(string optimizer) =>
        AssertTrainsOnBitwise(optimizer, (model, path) => model.Save(path));

    [Theory]
    [MemberData(nameof(OptimizerNames))]
    public void AnArchiveInNablasEarlierSafetensorsLayoutStillTrainsOnBitwise(string optimizer) =>
        AssertTrainsOnBitwise(optimizer, NablaSafetensorsArchive.Save);

    private static void AssertTrainsOnBitwise(string optimizer, Action<Sequential, string> save)
    {
        using var folder = new TempFolder();
        var trained = Trained(optimizer);
        string path = folder.File("model.keras");
        save(trained, path);
        var loaded = Model.Load(path);
        Assert.Equal(trained.Optimizer!.Iterations, loaded.Optimizer!.Iterations);

        var expected = TrainOneMoreEpoch(trained);
        var actual = TrainOneMoreEpoch(loaded);
        for (int w = 0; w < expected.Length; w++) Assert.Equal(expected[w], actual[w]);
    }

    [Fact]
    public void WithoutTheStateTheNextEpochDiffers()
    {
        // The test above could pass if the state did not matter: a fresh Adam must land elsewhere.
        using var folder = new TempFolder();
        var trained = Trained("adam");
        string path = folder.File("model.keras");
        trained.Save(path);
        var fresh = Model.Load(path);
        fresh.Compile(new Adam(0.01), "categorical_crossentropy");
        Assert.NotEqual(TrainOneMoreEpoch(trained)[0], TrainOneMoreEpoch(fresh)[0]);
    }

    [Fact]
    public void TheEarlierLayoutHoldsTheStateOnlyOnceTheOptimizerHasStepped()
    {
        using var folder = new TempFolder();
        var untrained = Classifier();
        untrained.Compile("adam", "categorical_crossentropy");
        string before = folder.File("before.keras"), after = folder.File("after.keras");
        NablaSafetensorsArchive.Save(untrained, before);
        using (var zip = ZipFile.OpenRead(before)) Assert.Null(zip.GetEntry("optimizer.safetensors"));

        NablaSafetensorsArchive.Save(Trained("adam"), after);
        using var archive = ZipFile.OpenRead(after);
        var entry = archive.GetEntry("optimizer.safetensors");
        Assert.NotNull(entry);
        var content = ReadEntry(entry!);
        Assert.Equal("Adam", content.Metadata["optimizer"]);
        Assert.Equal("16", content.Metadata["iterations"]); // 2 epochs of 8 batches
        Assert.Contains("dense/kernel/momentum", content.Tensors.Keys);
        Assert.Contains("dense_1/bias/velocity", content.Tensors.Keys);
        Assert.Equal([4, 8], content.Tensors["dense/kernel/velocity"].Shape);
    }

    [Theory]
    [InlineData("shape", "dense/kernel/momentum", "shape [4, 8]")]
    [InlineData("name", "dense/kernel/moment", "'moment'")]
    [InlineData("weight", "dense_9/kernel/momentum", "no weight 'dense_9/kernel'")]
    [InlineData("class", "optimizer", "\"SGD\"")]
    [InlineData("iterations", "iterations", "\"-3\"")]
    [InlineData("iterations_past_2_to_53", "iterations", "9223372036854775807")]
    [InlineData("nan", "dense/kernel/momentum", "NaN")]
    [InlineData("negative_velocity", "dense_1/bias/velocity", "-1")]
    public void ABadStateEntryIsRejectedNamingTheFieldAndNothingIsRestored(string fault, string field, string found)
    {
        using var folder = new TempFolder();
        string path = folder.File("model.keras");
        NablaSafetensorsArchive.Save(Trained("adam"), path);
        Tamper(path, content =>
        {
            var tensors = content.Tensors.ToDictionary(t => t.Key, t => t.Value);
            var metadata = content.Metadata.ToDictionary(m => m.Key, m => m.Value);
            switch (fault)
            {
                case "shape": tensors[field] = new Tensor(8, 4); break;
                case "name": tensors[field] = new Tensor(4, 8); break;
                case "weight": tensors[field] = new Tensor(4, 8); break;
                case "class": metadata["optimizer"] = "SGD"; break;
                case "iterations": metadata["iterations"] = "-3"; break;
                case "iterations_past_2_to_53": metadata["iterations"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture); break;
                case "nan": tensors[field].Data[5] = float.NaN; break;
                case "negative_velocity": tensors[field].Data[1] = -1f; break;
            }
            return (tensors, metadata);
        });
        var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
        Assert.Contains("optimizer.safetensors", e.Message);
        Assert.Contains(field, e.Message);
        Assert.Contains(found, e.Message);
    }

    [Theory]
    [InlineData("model.weights.safetensors")]
    [InlineData("optimizer.safetensors")]
    [InlineData("model.weights.h5")]
    [InlineData("config.json")]
    public void AnEntryLargerThanTheModelCanNeedIsRefusedBeforeItIsRead(string entryName)
    {
        // A zip entry can inflate to anything: the limit comes from the model's own weights, not from the entry.
        using var folder = new TempFolder();
        string path = folder.File("model.keras");
        if (entryName.EndsWith(".safetensors")) NablaSafetensorsArchive.Save(Trained("adam"), path);
        else Trained("adam").Save(path);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(entryName)!;
            using var original = new MemoryStream();
            using (var stream = entry.Open()) stream.CopyTo(original);
            entry.Delete();
            using var padded = zip.CreateEntry(entryName).Open();
            padded.Write(original.ToArray());
            padded.Write(new byte[entryName == "config.json" ? 65 << 20 : 4 << 20]); // zeros compress to almost nothing
        }
        var e = Assert.Throws<DataFormatException>(() => Model.Load(path));
        Assert.Contains(entryName, e.Message);
        Assert.Contains("at most", e.Message);
    }

    private static SafetensorsContent ReadEntry(ZipArchiveEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var stream = entry.Open()) stream.CopyTo(buffer);
        buffer.Position = 0;
        return SafetensorsFile.Read(buffer, buffer.Length, entry.FullName);
    }

    /// <summary>Rewrites the archive's optimizer entry through <paramref name="change"/>.</summary>
    private static void Tamper(string path,
        Func<SafetensorsContent, (Dictionary<string, Tensor>, Dictionary<string, string>)> change)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.GetEntry("optimizer.safetensors")!;
        var (tensors, metadata) = change(ReadEntry(entry));
        entry.Delete();
        using var stream = zip.CreateEntry("optimizer.safetensors").Open();
        SafetensorsFile.Write(stream, tensors, metadata);
    }
}
