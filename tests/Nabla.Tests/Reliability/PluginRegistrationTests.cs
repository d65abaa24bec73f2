using System.Reflection;
using System.Runtime.Loader;
using Nabla.Doctor;
using Nabla.Layers;

namespace Nabla.Tests.Reliability;

/// <summary>The pieces that plug in from above the models (file formats, the doctor's pre-flight check) are there
/// on first use, with no call to register them, and what a user adds goes beside them, never in their place.</summary>
public class PluginRegistrationTests
{
    [Fact]
    public void AFreshlyLoadedLibraryHasItsFormatsAndPreflightCheckRegistered()
    {
        // A new load context gets its own copy of the library's statics, untouched by every other test: only the
        // library's module initializers can have filled them.
        var context = new AssemblyLoadContext("fresh-nabla", isCollectible: true);
        try
        {
            var library = context.LoadFromAssemblyPath(typeof(Model).Assembly.Location);
            Assert.NotSame(typeof(Model).Assembly, library);
            var formats = library.GetType("Nabla.ModelFiles", throwOnError: true)!
                .GetProperty("Formats", BindingFlags.Public | BindingFlags.Static)!.GetValue(null);
            Assert.NotNull(formats);
            var extensions = (IReadOnlyList<string>)formats!.GetType().GetProperty("Extensions")!.GetValue(formats)!;
            Assert.Contains(".keras", extensions);
            var checks = (System.Collections.ICollection)library.GetType("Nabla.PreflightCheck", throwOnError: true)!
                .GetProperty("Checks", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            Assert.Single(checks);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>A toy format that writes the layer count only, enough to see Save and Load routed to it.</summary>
    private sealed class CountingFormat : IModelFileFormat
    {
        public int Saves, Loads;

        public void Save(Model model, string path)
        {
            Saves++;
            File.WriteAllText(path, model.Layers.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        public Model Load(string path)
        {
            Loads++;
            return new Sequential(Enumerable.Range(0, int.Parse(File.ReadAllText(path), System.Globalization.CultureInfo.InvariantCulture))
                .Select(i => (Layer)new Dense(2, inputShape: i == 0 ? [2] : null)).ToArray());
        }
    }

    [Fact]
    public void AnAddedFormatGoesBesideTheBuiltInOnes()
    {
        var format = new CountingFormat();
        string extension = $".toy{Guid.NewGuid():N}";
        ModelFiles.Add(extension, format);
        Assert.Contains(extension, ModelFiles.AddedExtensions);

        var model = new Sequential(new Dense(2, inputShape: [2]), new Dense(2));
        string folder = Directory.CreateTempSubdirectory("nabla-formats-").FullName;
        try
        {
            string toy = Path.Combine(folder, "model" + extension);
            model.Save(toy);
            Assert.Equal(2, Model.Load(toy).Layers.Count);
            Assert.Equal((1, 1), (format.Saves, format.Loads));
            Assert.Throws<NotSupportedException>(() => model.SaveWeights(toy));

            // The built-in formats still serve their own extensions.
            string keras = Path.Combine(folder, "model.keras");
            model.Save(keras);
            Assert.Equal(model.GetWeights()[0].Data, Model.Load(keras).GetWeights()[0].Data);
            Assert.Equal((1, 1), (format.Saves, format.Loads));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(".keras")]
    [InlineData(".h5")]
    [InlineData("5")]
    [InlineData(".json")]
    [InlineData("tensors")]
    public void AnExtensionThatWouldTakeOverABuiltInFormatIsRefused(string extension)
    {
        var e = Assert.Throws<ArgumentException>(() => ModelFiles.Add(extension, new CountingFormat()));
        Assert.Contains("built-in", e.Message);
        Assert.DoesNotContain(extension, ModelFiles.AddedExtensions);
    }

    [Fact]
    public void AFormatIsAddedOnceAndTheBuiltInsCannotBeReplaced()
    {
        string extension = $".once{Guid.NewGuid():N}";
        ModelFiles.Add(extension, new CountingFormat());
        Assert.Throws<ArgumentException>(() => ModelFiles.Add(extension.ToUpperInvariant(), new CountingFormat()));
        // No public setter: the built-in formats can be read, not swapped out.
        Assert.Null(typeof(ModelFiles).GetProperty(nameof(ModelFiles.Formats))!.SetMethod);
    }

    [Fact]
    public void AUsersPreflightCheckRunsBesideTheDoctors()
    {
        Assert.Null(typeof(PreflightCheck).GetProperty(nameof(PreflightCheck.Checks))!.SetMethod);
        string marker = $"user check {Guid.NewGuid():N}";
        int before = PreflightCheck.Checks.Count;
        PreflightCheck.Add((model, x, y) => model.Name == "preflight-probe" ? [marker] : []);
        Assert.Equal(before + 1, PreflightCheck.Checks.Count);

        var model = new Sequential([new Dense(1, inputShape: [2])], "preflight-probe");
        model.Compile("sgd", "mse");
        // Raw pixel-like inputs (0 to 255): the doctor's own check warns that they are not normalized.
        var x = new Tensor(64, 2);
        var y = new Tensor(64, 1);
        var rng = new RandomGenerator(1);
        for (int i = 0; i < x.Size; i++) x.Data[i] = (float)(rng.NextDouble() * 255);
        var doctors = TrainingDoctor.Preflight(model, x, y).Findings
            .Where(f => f.Severity >= Severity.Warning).Select(f => f.ToString()).ToList();
        Assert.NotEmpty(doctors);
        var warnings = PreflightCheck.Warnings(model, x, y).ToList();
        Assert.Contains(marker, warnings);
        Assert.All(doctors, warning => Assert.Contains(warning, warnings));
    }
}
