using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Nabla.Configuration;

namespace Nabla.Tests.Reliability;

/// <summary>Interrupted work leaves complete, marked results and no litter.</summary>
[Collection(TestSupport.ProcessWideMeasurementCollection.Name)]
public sealed class InterruptTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-interrupt-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private const int SIGINT = 2;

    [DllImport("libc", SetLastError = true)]
    private static extern int sigaction(int signal, IntPtr action, byte[] oldAction);

    [DllImport("libc", EntryPoint = "signal")]
    private static extern IntPtr SetSignalHandler(int signal, IntPtr handler);

    private static readonly IntPtr SignalDefault = IntPtr.Zero, SignalIgnore = 1;

    /// <summary>Starts a process that takes SIGINT's default action even when this one ignores it: a test host started
    /// as a background job (<c>dotnet test &amp;</c>) ignores SIGINT, children inherit that, and the .NET runtime then
    /// installs no handler, so the signal would be lost. Only an ignored disposition is changed (no runtime handler is
    /// touched), and only while the child is started.</summary>
    private static Process StartWithSigintDefault(ProcessStartInfo start)
    {
        var old = new byte[256]; // struct sigaction; its handler comes first on Linux and macOS
        bool ignored = sigaction(SIGINT, IntPtr.Zero, old) == 0 && BitConverter.ToInt64(old, 0) == SignalIgnore;
        if (ignored) SetSignalHandler(SIGINT, SignalDefault);
        try { return Process.Start(start)!; }
        finally
        {
            if (ignored) SetSignalHandler(SIGINT, SignalIgnore);
        }
    }

    [Fact]
    public async Task SigintDuringTheDoctorWritesAMarkedDiagnosisAndExits130()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        string experiment = Path.Combine(folder, "long.json");
        // Thousands of epochs: far longer than the test waits, so only the interrupt can end it in time.
        File.WriteAllText(experiment, """
            {"model": {"class_name": "Sequential", "config": {"layers": [
               {"class_name": "Dense", "config": {"name": "hidden", "units": 32, "activation": "relu", "batch_input_shape": [null, 20]}},
               {"class_name": "Dense", "config": {"name": "out", "units": 3, "activation": "softmax"}}]}},
             "compile": {"optimizer": "adam", "loss": "sparse_categorical_crossentropy", "metrics": ["accuracy"]},
             "data": {"synthetic": {"kind": "classification", "samples": 2000, "features": 20, "classes": 3}},
             "fit": {"epochs": 100000, "batch_size": 32, "seed": 3}}
            """);
        string output = Path.Combine(folder, "diagnosis.json");
        string cli = Path.Combine(AppContext.BaseDirectory, "Nabla.Cli.dll");
        // Standard input redirected too: the child must not share the test host's terminal (a background process
        // group that touches a terminal is stopped by the kernel).
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in new[] { cli, "doctor", experiment, "--json", output, "--report", Path.Combine(folder, "report") })
            start.ArgumentList.Add(arg);
        using var process = StartWithSigintDefault(start);
        TimeSpan cpuAtSignal = TimeSpan.Zero, wallAtSignal = TimeSpan.Zero;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            // Wait on the child's CPU time, not the wall clock: on a busy machine a fixed delay can end before the
            // runtime has started and registered the Ctrl+C handler, and the signal is then lost.
            var waited = Stopwatch.StartNew();
            while (!process.HasExited && process.TotalProcessorTime < TimeSpan.FromSeconds(3) && waited.Elapsed < TimeSpan.FromSeconds(60))
            {
                await Task.Delay(100);
                process.Refresh();
            }
            Assert.False(process.HasExited, "the doctor ended before the interrupt");
            (cpuAtSignal, wallAtSignal) = (process.TotalProcessorTime, waited.Elapsed);
            Assert.True(kill(process.Id, SIGINT) == 0, $"kill failed: errno {Marshal.GetLastPInvokeError()}");
            // Generous: on a loaded shared machine finishing the epoch and writing the report took over a minute.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
            await process.WaitForExitAsync(timeout.Token);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        string errors = await stderr, printed = await stdout;
        Assert.True(process.ExitCode == 130,
            $"exit {process.ExitCode} (signalled after {wallAtSignal.TotalSeconds:0.0} s, {cpuAtSignal.TotalSeconds:0.0} s of CPU); stderr: {errors}; stdout: {printed}");
        Assert.Contains("interrupted", errors);
        var json = JsonNode.Parse(File.ReadAllText(output))!;
        Assert.True(json["interrupted"]!.GetValue<bool>());
        Assert.NotNull(json["verdict"]);
        var findings = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "report", "findings.json")))!;
        Assert.True(findings["interrupted"]!.GetValue<bool>());
        Assert.True(File.Exists(Path.Combine(folder, "report", "history.csv")));
        Assert.Contains("long", printed);
    }

    [Fact]
    public void FitStopsAtTheEndOfTheCurrentBatchWhenInterrupted()
    {
        var model = new Sequential(new Nabla.Layers.Dense(2, inputShape: [3]));
        model.Compile("sgd", "mse");
        var x = new Tensor(64, 3);
        var y = new Tensor(64, 2);
        int batches = 0;
        var counter = new Nabla.Callbacks.LambdaCallback(onBatchEnd: (_, _) =>
        {
            if (++batches == 3) TrainingInterrupt.Request();
        });
        try
        {
            model.Fit(x, y, epochs: 10, batchSize: 8, callbacks: [counter], verbose: 0);
        }
        finally
        {
            TrainingInterrupt.Reset();
        }
        Assert.Equal(3, batches);
    }

    [Fact]
    public void StalePartialFilesAreRemovedOnTheNextSaveToTheSamePath()
    {
        string target = Path.Combine(folder, "model.bin");
        string stale = AtomicFile.TempPathFor(target);
        string other = AtomicFile.TempPathFor(Path.Combine(folder, "other.bin"));
        File.WriteAllText(stale, "left by a killed save");
        File.WriteAllText(other, "another file's");
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddMinutes(-5));
        File.SetLastWriteTimeUtc(other, DateTime.UtcNow.AddMinutes(-5));

        AtomicFile.WriteAllText(target, "saved");

        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(other));
        Assert.Equal("saved", File.ReadAllText(target));
        Assert.Single(Directory.GetFiles(folder, "model.bin*"));
    }
}
