using Nabla.Tests.Doctor;
using Nabla.Tests.Serialization.Keras;

namespace Nabla.Tests.Cli;

/// <summary><c>nabla summary</c> and <c>nabla convert</c> on the real Keras fixtures, in-process with the console
/// captured (hence the non-parallel collection).</summary>
[Collection(DoctorCollection.Name)]
public sealed class ModelFileCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-model-files-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static (int Exit, string Stdout, string Stderr) Nabla(params string[] args) => CliCommandTests.Nabla(args);

    [Theory]
    [InlineData("mnist_flatten_dense_dropout_k3.10.0.keras", "104,938")]
    [InlineData("svhn_grayscale_mlp_tfkeras2.2.4.h5", "305,962")]
    [InlineData("fashion_mnist_dense_tfjs/model.json", "101,770")]
    [InlineData("mnist_cnn_k3.15.1.keras", "225,034")]
    public void Summary_prints_layers_and_parameter_counts(string fixture, string total)
    {
        var (exit, stdout, _) = Nabla("summary", KerasFixtures.File(fixture));
        Assert.Equal(0, exit);
        Assert.Contains("(Dense)", stdout);
        Assert.Contains($"Total params: {total}", stdout);
    }

    [Fact]
    public void Summary_of_an_experiment_file_prints_its_model()
    {
        // The clinic's Conv2D case: Conv2D(8, 3) on 14x14x1 (80), Conv2D(16, 3) (3*3*8*16 + 16 = 1,168), Dense(10) on 64 (650).
        string experiment = Path.Combine(TestSupport.RepositoryPaths.Root(), "tests", "Clinic", "cnn-healthy-relu-he-adam-mnist.json");
        var (exit, stdout, stderr) = Nabla("summary", experiment);
        Assert.True(exit == 0, stderr);
        Assert.Contains("(Conv2D)", stdout);
        Assert.Contains("Total params: 1,898", stdout);
    }

    [Theory]
    [InlineData("churn_dense.weights.h5", "weights only")]
    public void Summary_of_a_file_nabla_cannot_open_yet_exits_2_naming_why(string fixture, string why)
    {
        var (exit, _, stderr) = Nabla("summary", KerasFixtures.File(fixture));
        Assert.Equal(2, exit);
        Assert.Contains(why, stderr);
    }

    [Fact]
    public void Convert_goes_through_every_format_and_keeps_the_predictions()
    {
        const string fixture = "fashion_mnist_dense_tfjs/model.json";
        string previous = KerasFixtures.File(fixture);
        foreach (string name in new[] { "a.keras", "b.h5", "c/model.json", "d.keras" })
        {
            string next = Path.Combine(folder, name);
            var (exit, stdout, stderr) = Nabla("convert", previous, next);
            Assert.True(exit == 0, stderr);
            Assert.Contains("101,770 parameters", stdout);
            KerasFixtures.AssertPredicts(Model.Load(next), fixture);
            previous = next;
        }
        Assert.Equal(0, Nabla("convert", previous, Path.Combine(folder, "e.weights.h5")).Exit);
        Assert.Equal(0, Nabla("convert", previous, Path.Combine(folder, "f.safetensors")).Exit);
        Assert.Equal(0, Nabla("convert", previous, Path.Combine(folder, "g.onnx")).Exit);
        var (onnxExit, onnxSummary, _) = Nabla("summary", Path.Combine(folder, "g.onnx"));
        Assert.Equal(0, onnxExit);
        Assert.Contains("Total params: 101,770", onnxSummary);
    }
}
