using System.Text.Json.Nodes;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>
/// The real Keras and TensorFlow.js files in <c>../shared/fixtures/keras/</c> (read in place, never copied) and their
/// reference outputs in <c>expected_predictions.json</c>: 4 synthetic inputs per model, from the formulas stored there.
/// </summary>
internal static class KerasFixtures
{
    public static string Folder { get; } = FindFolder();

    public static string File(string name) => Path.Combine(Folder, name);

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "keras"));
        throw new DirectoryNotFoundException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }

    private static readonly Lazy<JsonObject> Expected = new(() =>
        JsonNode.Parse(System.IO.File.ReadAllText(File("expected_predictions.json")))!.AsObject());

    /// <summary>The fixture's 4 inputs (batch first) and expected outputs.</summary>
    public static (Tensor X, float[][] Expected) Case(string name)
    {
        var entry = Expected.Value[name]!.AsObject();
        int[] shape = entry["input_shape"]!.AsArray().Select(n => n!.GetValue<int>()).ToArray();
        string formula = entry["input_formula"]!.GetValue<string>();
        int samples = shape[0], perSample = (int)Tensor.ElementCount(shape[1..]);
        var x = new float[samples * perSample];
        for (int s = 0; s < samples; s++)
            for (int i = 0; i < perSample; i++)
                x[s * perSample + i] = formula switch
                {
                    // The formulas stored in expected_predictions.json under "input_formulas".
                    "mnist" => ((i * 7 + s * 131) % 256) / 256f,
                    "tabular" => (((i * 37 + s * 101) % 256) - 128) / 64f,
                    _ => throw new InvalidOperationException($"Unknown input formula '{formula}'."),
                };
        var expected = entry["expected"]!.AsArray()
            .Select(row => row!.AsArray().Select(v => v!.GetValue<float>()).ToArray()).ToArray();
        return (Tensor.FromArray(x, shape), expected);
    }

    /// <summary>Asserts every output within <paramref name="tolerance"/> of the reference (absolute).</summary>
    public static void AssertPredicts(Model model, string name, double tolerance = 1e-5)
    {
        var (x, expected) = Case(name);
        var y = model.Predict(x);
        int width = expected[0].Length;
        Assert.Equal([expected.Length, width], y.Shape);
        double worst = 0;
        for (int s = 0; s < expected.Length; s++)
            for (int j = 0; j < width; j++)
                worst = Math.Max(worst, Math.Abs(y.Data[s * width + j] - expected[s][j]));
        Assert.True(worst <= tolerance, $"{name}: largest difference {worst:g3} exceeds {tolerance:g3}.");
    }
}
