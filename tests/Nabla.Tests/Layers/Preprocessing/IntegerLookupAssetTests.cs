using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Layers;

/// <summary>A .keras archive as Keras 3 writes an adapted IntegerLookup: its config's vocabulary null with its
/// vocabulary_size, the vocabulary in assets/layers/&lt;path&gt;/vocabulary.txt (index_lookup.py save_assets, special
/// tokens first, one a line).</summary>
public class IntegerLookupAssetTests
{
    private static (Sequential Model, Tensor X) Model()
    {
        Utils.SetRandomSeed(6);
        var model = new Sequential(new IntegerLookup(vocabulary: [7, 9, 11], outputMode: "count", inputShape: [2]), new Dense(1));
        return (model, Tensor.FromArray([7, 9, 11, 11, 5, 7], 3, 2));
    }

    /// <summary>Rewrites a Nabla archive as Keras writes an adapted layer's: the vocabulary moved to the assets.</summary>
    private static void AsKerasWritesIt(string path, string? asset)
    {
        using var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Update);
        var entry = zip.GetEntry("config.json")!;
        Config config;
        using (var reader = new StreamReader(entry.Open())) config = Config.Parse(reader.ReadToEnd());
        var lookup = ((List<object?>)((Config)config["config"]!)["layers"]!).Cast<Config>()
            .Single(l => (string?)l["class_name"] == "IntegerLookup");
        var settings = (Config)lookup["config"]!;
        settings["vocabulary"] = null;
        settings["vocabulary_size"] = 4L;
        entry.Delete();
        using (var writer = new StreamWriter(zip.CreateEntry("config.json").Open())) writer.Write(config.ToJsonString());
        if (asset is null) return;
        using var assetWriter = new StreamWriter(zip.CreateEntry("assets/layers/integer_lookup/vocabulary.txt").Open());
        assetWriter.Write(asset);
    }

    [Fact]
    public void TheVocabularyIsReadFromTheAssets()
    {
        var (model, x) = Model();
        var expected = model.Predict(x).Data;
        using var folder = new TempFolder();
        string path = folder.File("adapted.keras");
        model.Save(path);
        AsKerasWritesIt(path, "-1\n7\n9\n11\n");
        var loaded = global::Nabla.Model.Load(path);
        Assert.Equal(expected, loaded.Predict(x).Data);
        Assert.Equal([(long?)-1, 7, 9, 11], loaded.Layers.OfType<IntegerLookup>().Single().GetVocabulary());
    }

    [Fact]
    public void AMissingOrUnreadableAssetIsRefusedByName()
    {
        var (model, _) = Model();
        using var folder = new TempFolder();
        string path = folder.File("adapted.keras");
        model.Save(path);
        AsKerasWritesIt(path, asset: null);
        var error = Assert.Throws<Nabla.Data.DataFormatException>(() => global::Nabla.Model.Load(path));
        Assert.Contains("assets/layers/integer_lookup/vocabulary.txt", error.Message);
        Assert.Contains("IntegerLookup", error.Message);

        string other = folder.File("bad.keras");
        model.Save(other);
        AsKerasWritesIt(other, "-1\nseven\n9\n11");
        error = Assert.Throws<Nabla.Data.DataFormatException>(() => global::Nabla.Model.Load(other));
        Assert.Contains("line 2 of vocabulary.txt is \"seven\"", error.Message);

        // Four indices in the config's vocabulary_size, five in the asset.
        string longer = folder.File("longer.keras");
        model.Save(longer);
        AsKerasWritesIt(longer, "-1\n7\n9\n11\n13\n");
        error = Assert.Throws<Nabla.Data.DataFormatException>(() => global::Nabla.Model.Load(longer));
        Assert.Contains("5 indices where the layer's vocabulary size is 4", error.Message);
    }
}
