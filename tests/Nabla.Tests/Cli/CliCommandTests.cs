using System.CommandLine;
using System.Text.Json.Nodes;
using Nabla.Cli.Commands;
using Nabla.Data;
using Nabla.Tests.Doctor;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Cli;

/// <summary>
/// <c>nabla doctor</c> and <c>nabla gradients</c> run in-process through <see cref="CommandCatalog"/>, with the
/// console captured (hence the non-parallel collection).
/// </summary>
[Collection(DoctorCollection.Name)]
public sealed class CliCommandTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-cli-tests-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    /// <summary>Runs <c>nabla ARGS</c> in-process and returns its exit code and captured output.</summary>
    internal static (int exit, string stdout, string stderr) Nabla(params string[] args)
    {
        var root = new RootCommand("nabla");
        foreach (var command in CommandCatalog.All()) root.Subcommands.Add(command);
        var (oldOut, oldError) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            var parsed = root.Parse(args);
            Assert.Empty(parsed.Errors);
            return (parsed.Invoke(), stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldError);
        }
    }

    /// <summary>A small experiment on .npy files next to it (so paths are resolved relative to the file);
    /// <paramref name="frozen"/> sets trainable: false on both layers.</summary>
    private string WriteExperiment(string name = "exp.json", string? model = null, string x = "x.npy", bool frozen = false)
    {
        var (xs, ys) = Synthetic.Classification(600, 8, 3, seed: 4);
        Npy.Save(Path.Combine(folder, "x.npy"), xs);
        Npy.Save(Path.Combine(folder, "y.npy"), ys);
        model ??= $$$"""
            {"class_name": "Sequential", "config": {"layers": [
              {"class_name": "Dense", "config": {"name": "hidden", "units": 16, "activation": "relu", "kernel_initializer": "he_uniform", "batch_input_shape": [null, 8], "trainable": {{{(frozen ? "false" : "true")}}}}},
              {"class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax", "trainable": {{{(frozen ? "false" : "true")}}}}}]}}
            """;
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, $$$"""
            {"model": {{{model}}},
             "compile": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
             "data": {"x": "{{{x}}}", "y": "y.npy", "validation_split": 0.2},
             "fit": {"epochs": 5, "batch_size": 32, "seed": 7}}
            """);
        return path;
    }

    [Fact]
    public void Doctor_writes_json_and_report_and_exits_0()
    {
        string experiment = WriteExperiment();
        string json = Path.Combine(folder, "out.json"), report = Path.Combine(folder, "report");

        var (exit, stdout, stderr) = Nabla("doctor", experiment, "--json", json, "--report", report, "--quiet");

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith("exp: healthy", stdout.Trim());
        Assert.Single(stdout.Trim().Split('\n')); // --quiet: the verdict line only
        var document = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
        Assert.Equal("healthy", (string)document["verdict"]!);
        Assert.Equal(5, document["history"]!["loss"]!.AsArray().Count);
        Assert.Equal(File.ReadAllText(json), File.ReadAllText(Path.Combine(report, "findings.json")));
        var history = File.ReadAllLines(Path.Combine(report, "history.csv"));
        Assert.Equal(6, history.Length); // header + 5 epochs
        Assert.StartsWith("epoch,", history[0]);
        var monitors = File.ReadAllLines(Path.Combine(report, "monitors.csv"));
        Assert.StartsWith("epoch,step,layer_index,layer,", monitors[0]);
        Assert.Contains(monitors.Skip(1), line => line.Contains(",hidden,"));
        Assert.Contains(monitors.Skip(1), line => line.Contains(",out,"));
        Assert.Contains("class=\"verdict healthy\"", File.ReadAllText(Path.Combine(report, "report.html"))); // the HTML report
    }

    [Fact]
    public void Doctor_repair_on_a_frozen_model_unfreezes_it()
    {
        string experiment = WriteExperiment(frozen: true);
        string json = Path.Combine(folder, "repair.json");
        var (exit, stdout, _) = Nabla("doctor", experiment, "--repair", "--json", json);
        Assert.Equal(0, exit);
        Assert.Contains("missing_gradients", stdout);
        var repair = JsonNode.Parse(File.ReadAllText(json))!["repair"]!;
        Assert.Equal("remove_blocking_op", (string)repair["attempts"]![0]!["fix"]!);
        Assert.Contains("hidden", (string)repair["attempts"]![0]!["change"]!);
        Assert.True((bool)repair["succeeded"]!);
    }

    [Fact]
    public void Doctor_repair_lines_show_a_regressions_losses_to_four_digits_and_no_missing_accuracy()
    {
        string experiment = Path.Combine(RepositoryPaths.Root(), "tests", "Clinic", "recurrent", "vanishing-simplernn-adding50.json");
        var (exit, stdout, _) = Nabla("doctor", experiment, "--repair");
        Assert.Equal(0, exit);
        string attempt = Assert.Single(stdout.Split('\n'), line => line.TrimStart().StartsWith("use_lstm_or_gru: loss "));
        Assert.Matches(@"loss [0-9.eE+-]+ -> [0-9.eE+-]+, val_loss [0-9.eE+-]+ -> [0-9.eE+-]+, healthy \(kept\)", attempt);
        Assert.DoesNotContain("accuracy", attempt); // MSE without an accuracy metric: nothing to print as "-"
        Assert.DoesNotContain("0.0000", attempt);
    }

    [Theory]
    [InlineData("missing-field")]
    [InlineData("bad-path")]
    [InlineData("invalid-json")]
    [InlineData("no-such-file")]
    [InlineData("normalize-true")]
    [InlineData("unknown-field")]
    public void A_bad_experiment_file_exits_2_with_one_line_and_no_stack_trace(string fault)
    {
        string experiment = fault switch
        {
            "missing-field" => Path.Combine(folder, "missing.json"),
            "bad-path" => WriteExperiment("badpath.json", x: "nowhere/x.npy"),
            "invalid-json" => Path.Combine(folder, "invalid.json"),
            _ => Path.Combine(folder, "absent.json"),
        };
        if (fault == "missing-field") File.WriteAllText(experiment, """{"compile": {"loss": "mse"}, "data": {"x": "x.npy", "y": "y.npy"}}""");
        if (fault == "invalid-json") File.WriteAllText(experiment, """{"model": {"class_name": "Sequential", """);
        if (fault is "normalize-true" or "unknown-field")
        {
            experiment = WriteExperiment($"{fault}.json");
            string field = fault == "normalize-true" ? "\"normalize\": true" : "\"normalise\": \"pixels\"";
            File.WriteAllText(experiment, File.ReadAllText(experiment).Replace("\"validation_split\": 0.2", $"\"validation_split\": 0.2, {field}"));
        }

        var (exit, stdout, stderr) = Nabla("doctor", experiment);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var lines = stderr.TrimEnd().Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("nabla: error: ", lines[0]);
        Assert.DoesNotContain("   at ", stderr);
        Assert.DoesNotContain("Exception", stderr);
        string expectedMention = fault switch
        {
            "missing-field" => "'model'",
            "bad-path" => "data.x",
            "invalid-json" => "not a valid JSON",
            "normalize-true" => "field 'data.normalize': expected \"pixels\" (divide by 255), \"standardize\", \"minmax\", \"adapt\" or false; found true.",
            "unknown-field" => "field 'data.normalise': expected one of the fields of 'data'",
            _ => "does not exist",
        };
        Assert.Contains(expectedMention, lines[0]);
    }

    [Fact]
    public void Clinic_suite_writes_a_report_per_case_into_the_report_folder()
    {
        string reports = Path.Combine(folder, "reports");
        var (exit, stdout, _) = Nabla("clinic", "--suite", ClinicSuiteTests.SuiteFolder(), "--filter", "healthy-binary-sigmoid-bce",
            "--no-repair", "--report", reports);
        Assert.Equal(0, exit);
        Assert.Contains("Reports written to", stdout);
        string caseFolder = Path.Combine(reports, "healthy-binary-sigmoid-bce");
        var findings = JsonNode.Parse(File.ReadAllText(Path.Combine(caseFolder, "findings.json")))!;
        Assert.Equal("healthy", findings["verdict"]!.GetValue<string>());
        Assert.True(File.ReadAllLines(Path.Combine(caseFolder, "history.csv")).Length > 1);
    }

    [Theory]
    [InlineData("--epochs", "with-suite")]
    [InlineData("--no-repair", "seed")]
    [InlineData("--filter", "seed")]
    [InlineData("--details", "seed")]
    [InlineData("--seed-offset", "seed")]
    [InlineData("--draws", "seed")]
    public void Clinic_refuses_an_option_it_would_ignore(string option, string mode)
    {
        var args = new List<string> { "clinic" };
        if (mode == "with-suite") args.AddRange(["--suite", ClinicSuiteTests.SuiteFolder(), "--filter", "no-such-case"]);
        args.Add(option);
        if (option is "--epochs") args.Add("3");
        if (option is "--filter") args.Add("healthy");
        if (option is "--seed-offset") args.Add("1");
        if (option is "--draws") args.Add("2");

        var (exit, stdout, stderr) = Nabla([.. args]);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.Contains(option, line);
        Assert.Contains(mode == "seed" ? "applies to a suite" : "sets its own", line);
    }

    [Theory]
    [InlineData("--data-out|out", "--data-out goes with --accuracy")]
    [InlineData("--onnx-out|model.onnx", "--onnx-out goes with --inference")]
    [InlineData("--network|cnn|--activation|sigmoid", "--activation sets the MNIST MLP's")]
    [InlineData("EXPERIMENT|--inference", "not an experiment file")]
    [InlineData("EXPERIMENT|--samples|100", "--samples sizes the built-in networks")]
    [InlineData("--inference|--doctor-overhead", "--doctor-overhead runs after timed training epochs")]
    public void Bench_refuses_an_option_it_would_ignore(string arguments, string expected)
    {
        string experiment = WriteExperiment();
        string[] args = ["bench", .. arguments.Split('|').Select(a => a == "EXPERIMENT" ? experiment : a)];

        var (exit, stdout, stderr) = Nabla(args);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains(expected, Assert.Single(stderr.TrimEnd().Split('\n')));
    }

    [Fact]
    public void Gradients_writes_one_npy_per_weight_and_a_summary()
    {
        string experiment = WriteExperiment();
        string output = Path.Combine(folder, "grads");

        var (exit, _, stderr) = Nabla("gradients", experiment, "--out", output);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var summary = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!.AsObject();
        var weights = summary["weights"]!.AsArray();
        Assert.Equal(["hidden/kernel", "hidden/bias", "out/kernel", "out/bias"], weights.Select(w => (string)w!["weight"]!));
        foreach (var w in weights)
        {
            Assert.False((bool)w!["missing"]!);
            var gradient = Npy.Load(Path.Combine(output, (string)w["file"]!));
            Assert.Equal(w["shape"]!.AsArray().Select(d => (int)d!), gradient.Shape);
            double norm = System.Numerics.Tensors.TensorPrimitives.Norm(gradient.Data.AsSpan());
            Assert.True(norm > 0);
            Assert.Equal((double)w["norm"]!, norm, 1e-4);
        }
        Assert.Equal(4, Directory.GetFiles(output, "*.npy").Length);
    }

    [Fact]
    public void Gradients_of_a_two_output_model_name_the_head_no_loss_reaches()
    {
        string experiment = Path.Combine(Doctor.ClinicSuiteTests.SuiteFolder(), "functional-missing-output-without-loss.json");
        string output = Path.Combine(folder, "grads-functional");

        var (exit, _, stderr) = Nabla("gradients", experiment, "--out", output);

        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        var weights = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!["weights"]!.AsArray();
        var missing = weights.Where(w => (bool)w!["missing"]!).Select(w => (string)w!["weight"]!).Order(StringComparer.Ordinal);
        Assert.Equal(["head_b/bias", "head_b/kernel", "out_b/bias", "out_b/kernel"], missing);
    }

    [Fact]
    public void Gradients_of_a_frozen_layer_are_reported_missing_with_the_reason()
    {
        string experiment = WriteExperiment(frozen: true);
        string output = Path.Combine(folder, "frozen-grads");
        var (exit, _, _) = Nabla("gradients", experiment, "--out", output);
        Assert.Equal(0, exit);
        var weights = JsonNode.Parse(File.ReadAllText(Path.Combine(output, "summary.json")))!["weights"]!.AsArray();
        var kernel = weights.Single(w => (string)w!["weight"]! == "hidden/kernel")!;
        Assert.True((bool)kernel["missing"]!);
        Assert.Null(kernel["file"]);
        Assert.Contains("not trainable", (string)kernel["reason"]!);
        Assert.Empty(Directory.GetFiles(output, "*.npy")); // every layer frozen: nothing reached
    }
}
