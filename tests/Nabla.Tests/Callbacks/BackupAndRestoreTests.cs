using System.Diagnostics;
using Nabla.Callbacks;
using Nabla.Layers;
using Nabla.Tests.Data;

namespace Nabla.Tests.Callbacks;

/// <summary>BackupAndRestore: a killed training process, started again, ends with the bits of an uninterrupted one.</summary>
public class BackupAndRestoreTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    /// <summary>The example program examples/CheckpointResume, copied beside the tests by the project reference.</summary>
    private static ProcessStartInfo Child(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardInput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CheckpointResume.dll"));
        foreach (string arg in args) start.ArgumentList.Add(arg);
        return start;
    }

    private static string RunToEnd(ProcessStartInfo start)
    {
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "the child did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {error.Result}");
        return output;
    }

    [Fact]
    public void AKilledRunResumesAtTheRightEpochAndFinishesWithTheSameBitsAsAnUninterruptedOne()
    {
        string reference = folder.File("reference.safetensors"), resumed = folder.File("resumed.safetensors");
        RunToEnd(Child("--backup", folder.File("reference-backup"), "--out", reference));

        string backup = folder.File("backup");
        using (var child = Process.Start(Child("--backup", backup, "--out", resumed, "--pause-at-epoch", "4"))!)
        {
            // The child stops inside Fit, in epoch 4 (after batch 3), and is killed there: no clean-up runs.
            string? line;
            while ((line = child.StandardOutput.ReadLine()) is not null && line != "paused") { }
            Assert.Equal("paused", line);
            child.Kill(entireProcessTree: true);
            Assert.True(child.WaitForExit(30_000));
        }
        Assert.True(File.Exists(Path.Combine(backup, BackupAndRestore.FileName)));
        Assert.False(File.Exists(resumed));

        string output = RunToEnd(Child("--backup", backup, "--out", resumed));
        var epochLines = output.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Epoch ")).ToArray();
        Assert.Equal(["Epoch 4/6", "Epoch 5/6", "Epoch 6/6"], epochLines);
        Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(resumed));
        Assert.False(File.Exists(Path.Combine(backup, BackupAndRestore.FileName))); // deleted once Fit completed
    }

    [Fact]
    public void InitialEpochStartsTheCountThereAndTrainsTheRemainingEpochs()
    {
        var (x, labels) = Nabla.Data.Synthetic.Classification(64, 4, 2, seed: 1);
        var model = new Sequential(new Dense(2, activation: "softmax", inputShape: [4]));
        model.Compile("sgd", "sparse_categorical_crossentropy");
        var writer = new StringWriter();
        var bar = new ProgbarLogger(epochs: 5, stepsPerEpoch: 2, verbose: 2, output: writer, interactive: false);
        var history = model.Fit(x, labels, epochs: 5, batchSize: 32, initialEpoch: 2, verbose: 0, callbacks: [bar]);
        Assert.Equal([2, 3, 4], history.Epochs);
        Assert.Equal(["Epoch 3/5", "Epoch 4/5", "Epoch 5/5"],
            writer.ToString().Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("Epoch ")));
        Assert.Throws<ArgumentException>(() => model.Fit(x, labels, epochs: 5, initialEpoch: -1, verbose: 0));
    }

    [Fact]
    public void ABackupFromOtherDataIsRefusedBeforeAnyWeightChanges()
    {
        var (x, labels) = Nabla.Data.Synthetic.Classification(64, 4, 2, seed: 1);
        var model = new Sequential(new Dense(2, activation: "softmax", inputShape: [4]));
        model.Compile("adam", "sparse_categorical_crossentropy");
        string dir = folder.File("b");
        var stopAfterOne = new LambdaCallback(onEpochEnd: (_, _) => model.StopTraining = true);
        model.Fit(x, labels, epochs: 3, verbose: 0, callbacks: [new BackupAndRestore(dir, deleteCheckpoint: false), stopAfterOne]);
        var before = model.GetWeights();
        var fewer = Nabla.Data.Preprocessing.TakeRows(x, Enumerable.Range(0, 40).ToArray());
        var fewerLabels = Nabla.Data.Preprocessing.TakeRows(labels, Enumerable.Range(0, 40).ToArray());
        var error = Assert.Throws<Nabla.Data.DataFormatException>(() =>
            model.Fit(fewer, fewerLabels, epochs: 3, verbose: 0, callbacks: [new BackupAndRestore(dir)]));
        Assert.Contains("permutation of this run's 40 training samples", error.Message);
        for (int i = 0; i < before.Count; i++) Assert.Equal(before[i].Data, model.GetWeights()[i].Data);
    }
}
