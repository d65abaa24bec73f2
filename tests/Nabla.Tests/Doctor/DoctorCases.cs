using Nabla.Doctor;
using Nabla.Configuration;

namespace Nabla.Tests.Doctor;

/// <summary>
/// Small experiments for the doctor's tests, written in the experiment-file format (the same reader as
/// <c>nabla doctor</c>), on seeded synthetic data so each trains in well under a second.
/// </summary>
internal static class DoctorCases
{
    public const string He = "\"he_uniform\"";

    public static string Dense(int units, string activation = "linear", string init = "\"glorot_uniform\"", string bias = "\"zeros\"",
        int? inputs = null, bool trainable = true) =>
        $$$"""{"class_name": "Dense", "config": {"units": {{{units}}}, "activation": "{{{activation}}}", "kernel_initializer": {{{init}}}, "bias_initializer": {{{bias}}}, "trainable": {{{(trainable ? "true" : "false")}}}{{{(inputs is int n ? $", \"batch_input_shape\": [null, {n}]" : "")}}}}}""";

    public static string Normal(double stddev) =>
        $$$"""{"class_name": "RandomNormal", "config": {"mean": 0.0, "stddev": {{{stddev.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}}""";

    public static string Optimizer(string className, double learningRate) =>
        $$$"""{"class_name": "{{{className}}}", "config": {"learning_rate": {{{learningRate.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}}}}""";

    public static string Classification(int samples = 1200, int features = 20, int classes = 4, int seed = 1, double scale = 1, double noise = 0.5) =>
        $$$"""{"synthetic": {"kind": "classification", "samples": {{{samples}}}, "features": {{{features}}}, "classes": {{{classes}}}, "seed": {{{seed}}}, "scale": {{{scale}}}, "noise": {{{noise.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}}, "validation_split": 0.2}""";

    public static string Regression(int samples = 1200, int features = 10, int seed = 1, double scale = 1, double targetScale = 1) =>
        $$$"""{"synthetic": {"kind": "regression", "samples": {{{samples}}}, "features": {{{features}}}, "seed": {{{seed}}}, "scale": {{{scale}}}, "target_scale": {{{targetScale}}}}, "validation_split": 0.2}""";

    /// <summary>An experiment from its parts: layers (JSON objects), optimizer (a name in quotes or an object), loss, data.</summary>
    public static Experiment Make(string[] layers, string optimizer, string loss, string data, int epochs = 6, int batchSize = 32,
        string metrics = "[\"accuracy\"]", string name = "case")
    {
        string json = $$$"""
            {
              "model": {"class_name": "Sequential", "config": {"layers": [{{{string.Join(", ", layers)}}}]}},
              "compile": {"optimizer": {{{optimizer}}}, "loss": "{{{loss}}}", "metrics": {{{metrics}}}},
              "data": {{{data}}},
              "fit": {"epochs": {{{epochs}}}, "batch_size": {{{batchSize}}}, "seed": 42}
            }
            """;
        return ExperimentFile.Parse(Config.Parse(json), Directory.GetCurrentDirectory(), name, name + ".json");
    }

    public static Diagnosis Diagnose(Experiment experiment, DoctorOptions? options = null) =>
        ExperimentResult.Run(experiment, options).Diagnosis;

    /// <summary>The one finding with this code (the test fails, listing what was found, when there is none).</summary>
    public static Finding Single(Diagnosis d, string code)
    {
        var matches = d.Findings.Where(f => f.Code == code).ToList();
        Assert.True(matches.Count > 0, $"expected '{code}', found: {string.Join("; ", d.Findings)}");
        return matches[0];
    }

    public static double Number(Finding f, string key)
    {
        Assert.True(f.Evidence.ContainsKey(key), $"'{f.Code}' evidence has no '{key}': {string.Join(", ", f.Evidence.Keys)}");
        return Convert.ToDouble(f.Evidence[key], System.Globalization.CultureInfo.InvariantCulture);
    }

    // The healthy pair the issue names: ReLU + He, normalized inputs, Adam, cross-entropy; linear output + MSE.
    public static Experiment HealthyClassifier(int epochs = 8) => Make(
        [Dense(64, "relu", He, inputs: 20), Dense(4, "softmax")], Optimizer("Adam", 1e-3), "sparse_categorical_crossentropy",
        Classification(), epochs);

    public static Experiment HealthyRegressor(int epochs = 12) => Make(
        [Dense(32, "relu", He, inputs: 10), Dense(1)], Optimizer("Adam", 1e-3), "mse", Regression(), epochs, metrics: "[]");
}
