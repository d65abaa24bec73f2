using Nabla.Configuration;
using Nabla.Data;
using Nabla.Doctor;

namespace Nabla.Tests.Doctor.Experiments;

/// <summary>The data section of an experiment file: the MNIST sample's shape, "flatten", each "normalize" mode on the
/// training split, and errors that name the field.</summary>
public sealed class ExperimentDataTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-experiment-data-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private const string Dense784 = """
        {"class_name": "Sequential", "config": {"layers": [
          {"class_name": "Flatten", "config": {"batch_input_shape": [null, 28, 28]}},
          {"class_name": "Dense", "config": {"units": 10, "activation": "softmax"}}]}}
        """;

    private static Experiment Parse(string data, string model = Dense784, string extra = "") =>
        ExperimentFile.Parse(Config.Parse($$$"""
            {"model": {{{model}}}, "compile": {"loss": "sparse_categorical_crossentropy"}, "data": {{{data}}}{{{extra}}}}
            """), ".", "exp", "exp.json");

    [Fact]
    public void TheMnistSampleKeepsItsImageShapeUnlessFlattened()
    {
        var images = Parse("""{"x": "mnist-sample", "samples": 100}""");
        Assert.Equal([100, 28, 28], images.X.Shape);
        Assert.Equal(255f, images.X.Data.Max());
        var flat = Parse("""{"x": "mnist-sample", "samples": 100, "flatten": true, "normalize": "pixels"}""");
        Assert.Equal([100, 784], flat.X.Shape);
        Assert.Equal(1f, flat.X.Data.Max());
        Assert.Equal(images.X.Data.Select(v => v * (1f / 255f)), flat.X.Data);
    }

    /// <summary>x = [[0, 10], [2, 10], [4, 10], [100, -5]]: the last sample validates (split 0.25) and must not
    /// move the statistics.</summary>
    private Experiment Tabular(string normalize, string model = """
        {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {"units": 1, "batch_input_shape": [null, 2]}}]}}
        """)
    {
        Npy.Save(Path.Combine(folder, "x.npy"), Tensor.FromArray([0f, 10, 2, 10, 4, 10, 100, -5], 4, 2));
        Npy.Save(Path.Combine(folder, "y.npy"), Tensor.FromArray([0f, 1, 2, 3], 4));
        string path = Path.Combine(folder, "exp.json");
        File.WriteAllText(path, $$$"""
            {"model": {{{model}}}, "compile": {"loss": "mse"},
             "data": {"x": "x.npy", "y": "y.npy", "normalize": {{{normalize}}}, "validation_split": 0.25}}
            """);
        return ExperimentFile.Load(path);
    }

    [Fact]
    public void StandardizeUsesTheTrainingSamplesMeanAndStd()
    {
        var x = Tabular("\"standardize\"").X.Data;
        // feature 0: mean 2, population std sqrt(8/3); feature 1 is constant on the training rows: centred only.
        double std = Math.Sqrt(8.0 / 3);
        Assert.Equal([-2 / std, 0, 0, 0, 2 / std, 0, 98 / std, -15], x.Select(v => (double)v), new ToleranceComparer(1e-5));
    }

    [Fact]
    public void MinMaxMapsTheTrainingRangeToZeroOne()
    {
        var x = Tabular("\"minmax\"").X.Data;
        Assert.Equal([0f, 0, 0.5f, 0, 1, 0, 25, -15], x);
    }

    [Fact]
    public void AdaptWritesTheTrainingStatisticsIntoTheNormalizationLayer()
    {
        var experiment = Tabular("\"adapt\"", """
            {"class_name": "Sequential", "config": {"layers": [
              {"class_name": "Normalization", "config": {"batch_input_shape": [null, 2]}},
              {"class_name": "Dense", "config": {"units": 1}}]}}
            """);
        Assert.Equal(100f, experiment.X.Data[6]); // x itself is left as it is
        var model = experiment.BuildModel();
        var output = model.Layers[0].Call(Tensor.FromArray([2f, 10], 1, 2), training: false);
        Assert.Equal([0f, 0f], output.Data);   // the training mean (2, 10) maps to 0
        var normalization = experiment.LayerConfigs()[0].GetConfig("config")!;
        Assert.Equal([2.0, 10.0], ((List<object?>)normalization["mean"]!).Cast<double>());
        Assert.Equal(8.0 / 3, ((List<object?>)normalization["variance"]!).Cast<double>().First(), 1e-5);
    }

    [Fact]
    public void AdaptWithoutANormalizationLayerNamesTheField()
    {
        var error = Assert.Throws<DataFormatException>(() => Tabular("\"adapt\""));
        Assert.Contains("field 'data.normalize': expected \"adapt\" only for a model with exactly one Normalization layer", error.Message);
        Assert.Contains("found 0 Normalization layers", error.Message);
    }

    [Theory]
    [InlineData("true", "found true.")]
    [InlineData("\"standardise\"", "Did you mean 'standardize'?")]
    [InlineData("3", "found 3")]
    public void ABadNormalizeNamesTheFieldAndTheModes(string value, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => Tabular(value));
        Assert.Contains("exp.json, field 'data.normalize': expected \"pixels\"", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"x": "mnist-sample", "normalise": "pixels"}""", "", "field 'data.normalise': expected one of the fields of 'data': x, y, label_column, samples, image_shape, flatten, normalize, one_hot, num_classes, validation_split, synthetic, directory, generated, split_x, split_y (docs/experiment-file.md); found a field an experiment file does not have (did you mean 'data.normalize'?).")]
    [InlineData("""{"x": "mnist-sample"}""", """, "fit": {"epoch": 3}""", "field 'fit.epoch': expected one of the fields of 'fit'")]
    [InlineData("""{"x": "mnist-sample"}""", """, "fit": {"epochs": 0}""", "field 'fit.epochs': expected an integer ≥ 1; found 0.")]
    [InlineData("""{"x": "mnist-sample"}""", """, "fit": {"batch_size": "32"}""", "field 'fit.batch_size': expected an integer; found ")]
    [InlineData("""{"x": "mnist-sample", "flatten": "yes"}""", "", "field 'data.flatten': expected true or false; found ")]
    [InlineData("""{"x": "mnist-sample", "samples": 0}""", "", "field 'data.samples': expected an integer ≥ 1; found 0.")]
    [InlineData("""{"synthetic": {"kind": "spiral"}}""", "", "field 'data.synthetic.kind': expected \"classification\"")]
    [InlineData("""{"synthetic": {"sample": 10}}""", "", "field 'data.synthetic.sample': expected one of the fields of 'data.synthetic'")]
    [InlineData("""{"synthetic": {"kind": "reviews", "samples": 10, "vocabulary": 50}}""", "", "field 'data.synthetic.vocabulary': expected an integer ≥ 70; found 50.")]
    [InlineData("""{"synthetic": {"kind": "weather", "samples": 10, "timesteps": 20, "rows": 30}}""", "", "field 'data.synthetic.rows': expected at least timesteps + horizon = 44 rows (a window and its target); found 30.")]
    // A generator's table counts against the data budget before it is drawn: 2e9 weather rows overflowed an int, and a
    // vocabulary of 2e9 ids allocated 16 GB for 74 s before failing with an index out of range.
    [InlineData("""{"synthetic": {"kind": "weather", "samples": 10, "timesteps": 4, "rows": 2000000000}}""", "", "field 'data.synthetic.rows': expected at most 4294967296 bytes of data and tables (DataReadOptions.MaxBytes); found 2280 bytes of samples and a table of 112000000000 bytes.")]
    [InlineData("""{"synthetic": {"kind": "reviews", "samples": 10, "timesteps": 4, "vocabulary": 2000000000}}""", "", "field 'data.synthetic.vocabulary': expected at most 4294967296 bytes of data and tables (DataReadOptions.MaxBytes); found 200 bytes of samples and a table of 16000000000 bytes.")]
    [InlineData("""{"synthetic": {"kind": "reviews", "samples": 10, "timesteps": 4, "vocabulary": 16777217}}""", "", "field 'data.synthetic.vocabulary': expected at most 16777216 ids (word ids are float32 values, exact up to 2^24); found 16777217.")]
    [InlineData("""{"synthetic": {"kind": "weather", "samples": 10, "rows": 500, "mean_rows": 600}}""", "", "field 'data.synthetic.mean_rows': expected at most the series' 500 rows; found 600.")]
    [InlineData("""{"synthetic": {"kind": "weather", "samples": 10, "timesteps": 1, "horizon": 1, "rows": 100, "std_rows": 2, "seed": 1}}""", "", "field 'data.synthetic.std_rows': expected rows over which every column varies; found 2 rows (Synthetic weather: column 'rh (%)' is constant")]
    public void BadFieldsAreNamed(string data, string extra, string expected)
    {
        var error = Assert.Throws<DataFormatException>(() => Parse(data, extra: extra));
        Assert.Contains(expected, error.Message);
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(double value) => 0;
    }
}
