using System.IO.Compression;
using Nabla.Layers;
using Nabla.Serialization;

namespace Nabla.Tests.Serialization;

/// <summary>The architecture of a real Keras 3.15.1 CNN (../shared/fixtures/keras/mnist_cnn_k3.15.1.keras, see its
/// SOURCES.md) loads from its config.json: DTypePolicy dicts, build_config, kernel_size lists and all.</summary>
public class KerasCnnConfigTests
{
    private static string Fixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
                return Path.Combine(dir.FullName, "..", "shared", "fixtures", "keras", name);
        throw new DirectoryNotFoundException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }

    [Fact]
    public void TheKeras3MnistCnnConfigLoadsWithKerasShapesAndCounts()
    {
        using var archive = ZipFile.OpenRead(Fixture("mnist_cnn_k3.15.1.keras"));
        using var reader = new StreamReader(archive.GetEntry("config.json")!.Open());
        var model = KerasModelJson.FromJson(reader.ReadToEnd(), "config.json");

        // SOURCES.md: Input(28,28,1) → Conv2D(32, 3×3, valid, relu) → MaxPooling2D(2×2) → Conv2D(64, 3×3, valid, relu)
        // → MaxPooling2D(2×2) → Flatten → Dropout(0.3) → Dense(128, relu) → Dense(10, softmax); 225,034 parameters.
        Assert.Equal(225_034, model.CountParams());
        var convs = model.Layers.OfType<Conv2D>().ToArray();
        Assert.Equal([32, 64], convs.Select(c => c.Filters));
        Assert.All(convs, c => Assert.Equal(("valid", "relu", new Size2D(3, 3)), (c.Padding, c.Activation.Name, c.KernelSize)));
        Assert.Equal([5, 5, 64], model.Layers.OfType<MaxPooling2D>().Last().OutputShape!);
        Assert.Equal(new Size2D(2, 2), model.Layers.OfType<MaxPooling2D>().First().Strides);
    }
}

/// <summary>A convolutional model survives Save/Load (.keras with safetensors weights) with identical predictions.</summary>
public class ConvModelSavingTests
{
    [Fact]
    public void ASavedConvnetLoadsAndPredictsTheSame()
    {
        Utils.SetRandomSeed(9);
        var model = new Sequential(
            new Conv2D(4, 3, padding: "same", activation: "relu", inputShape: [8, 8, 1]),
            new MaxPooling2D(),
            new Reshape([16, 4]),
            new Conv1D(3, 2, padding: "causal"),
            new GlobalAveragePooling1D(),
            new Softmax());
        model.Compile("adam", "categorical_crossentropy");
        string path = Path.Combine(Path.GetTempPath(), $"nabla-conv-{Guid.NewGuid():N}.keras");
        try
        {
            model.Save(path);
            var restored = Model.Load(path);
            var x = Nabla.Tests.TestSupport.GradientCheck.Random(2, 0, 1, 3, 8, 8, 1);
            Assert.Equal(model.Predict(x).Data, restored.Predict(x).Data);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
