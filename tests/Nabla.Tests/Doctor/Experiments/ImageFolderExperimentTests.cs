using Nabla.Tests.TestSupport;
using Nabla.Data;
using Nabla.Doctor;

namespace Nabla.Tests.Doctor.Experiments;

/// <summary>An experiment file whose data is a folder of images (<c>data.directory</c>, Keras's
/// image_dataset_from_directory): read as <see cref="Images.DatasetFromDirectory"/> reads it, trained and diagnosed by
/// <c>nabla doctor</c>.</summary>
public sealed class ImageFolderExperimentTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-image-experiment-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Twelve bright and twelve dark 8 x 8 colour images, one class folder each.</summary>
    private void WriteImages() => TestImages.WriteBrightAndDark(Path.Combine(folder, "photos"), perClass: 12, size: 8, seed: 3);

    private string WriteExperiment(string directory)
    {
        string path = Path.Combine(folder, "exp.json");
        File.WriteAllText(path, $$$"""
            {"model": {"class_name": "Sequential", "config": {"layers": [
                {"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "activation": "relu", "batch_input_shape": [null, 8, 8, 3]}},
                {"class_name": "GlobalAveragePooling2D", "config": {}},
                {"class_name": "Dense", "config": {"units": 2, "activation": "softmax"}}]}},
             "compile": {"optimizer": {"class_name": "Adam", "config": {"learning_rate": 0.05}}, "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
             "data": {"directory": {{{directory}}}, "normalize": "pixels"},
             "fit": {"epochs": 30, "batch_size": 6, "validation_split": 0.25, "seed": 1}}
            """);
        return path;
    }

    [Fact]
    public void The_folder_is_read_as_kerass_dataset_and_the_doctor_trains_on_it()
    {
        WriteImages();
        string path = WriteExperiment("""{"path": "photos", "image_size": [8, 8], "seed": 42}""");
        var experiment = ExperimentFile.Load(path);
        Assert.Equal([24, 8, 8, 3], experiment.X.Shape);
        var direct = Images.DatasetFromDirectory(Path.Combine(folder, "photos"), imageSize: (8, 8), seed: 42, verbose: false);
        Assert.Equal(direct.Labels!.Data.AsSpan(0, 24).ToArray(), experiment.Y.Data.AsSpan(0, 24).ToArray());
        Assert.Equal(direct.Images.Data.AsSpan(0, 10).ToArray().Select(v => v * (1f / 255f)), experiment.X.Data.AsSpan(0, 10).ToArray());

        var result = ExperimentResult.Run(experiment);
        Assert.True(result.Diagnosis.IsHealthy, string.Join("; ", result.Diagnosis.Findings));
        Assert.True(result.Score >= 0.99, $"validation accuracy {result.Score}");
        var (exit, _, error) = CliRun.Run("doctor", path, "--quiet");
        Assert.Equal("", error);
        Assert.Equal(0, exit);
    }

    [Fact]
    public void A_bad_directory_field_is_refused_naming_it()
    {
        WriteImages();
        var e = Assert.Throws<DataFormatException>(() => ExperimentFile.Load(WriteExperiment("""{"path": "nowhere"}""")));
        Assert.Contains("data.directory.path", e.Message);
        e = Assert.Throws<DataFormatException>(() => ExperimentFile.Load(WriteExperiment("""{"path": "photos", "image_size": [8]}""")));
        Assert.Contains("data.directory.image_size", e.Message);
        e = Assert.Throws<DataFormatException>(() => ExperimentFile.Load(WriteExperiment("""{"path": "photos", "colour_mode": "rgb"}""")));
        Assert.Contains("did you mean 'data.directory.color_mode'", e.Message);
        e = Assert.Throws<DataFormatException>(() => ExperimentFile.Load(WriteExperiment("""{"path": "photos", "label_mode": "binary", "class_names": ["dark"]}""")));
        Assert.Contains("exactly 2 classes", e.Message);
        File.WriteAllText(Path.Combine(folder, "photos", "dark", "broken.png"), "not a png");
        e = Assert.Throws<DataFormatException>(() => ExperimentFile.Load(WriteExperiment("""{"path": "photos", "image_size": [8, 8]}""")));
        Assert.Contains("broken.png", e.Message);
        var budget = new DataReadOptions { MaxBytes = 1000 };
        e = Assert.Throws<DataFormatException>(() => ExperimentFile.Load(WriteExperiment("""{"path": "photos", "image_size": [8, 8]}"""), budget));
        Assert.Contains("bytes allowed", e.Message);
    }

}
