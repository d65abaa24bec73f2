using System.Globalization;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>ModelCheckpoint</c>: saves the model (a ".keras" archive) or its weights (".safetensors", where Keras
/// writes ".weights.h5") at the end of every epoch, or only when <c>monitor</c> improves (<c>saveBestOnly</c>).
/// The path may hold Keras's placeholders, <c>{epoch:02d}</c> (1-based) and any log such as <c>{val_loss:.2f}</c>.
/// Files are written atomically, so a run killed while saving leaves the previous file intact. Defaults as Keras:
/// monitor "val_loss", verbose 0, saveBestOnly false, saveWeightsOnly false, mode "auto", saveFreq "epoch",
/// messages as Keras prints them.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly MonitorMode mode;
    private readonly double? initialValueThreshold;
    private readonly TextWriter? output;

    public ModelCheckpoint(string filepath, string monitor = "val_loss", int verbose = 0, bool saveBestOnly = false,
        bool saveWeightsOnly = false, string mode = "auto", string saveFreq = "epoch", double? initialValueThreshold = null,
        TextWriter? output = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(filepath);
        ArgumentException.ThrowIfNullOrEmpty(monitor);
        string extension = saveWeightsOnly ? ".safetensors" : ".keras";
        if (!filepath.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
            throw new ArgumentException(
                $"ModelCheckpoint: with saveWeightsOnly {(saveWeightsOnly ? "true" : "false")} the filepath must end in \"{extension}\", " +
                $"found '{filepath}'{(saveWeightsOnly ? " (Keras's \".weights.h5\" is not supported)" : "")}.", nameof(filepath));
        if (saveFreq != "epoch")
            throw new ArgumentException(
                $"ModelCheckpoint 'saveFreq' must be \"epoch\", found \"{saveFreq}\" (saving every N batches is not supported).", nameof(saveFreq));
        Filepath = filepath;
        Monitor = monitor;
        Verbose = verbose;
        SaveBestOnly = saveBestOnly;
        SaveWeightsOnly = saveWeightsOnly;
        this.mode = new MonitorMode(monitor, mode, 0);
        this.initialValueThreshold = initialValueThreshold;
        this.output = output;
        Best = initialValueThreshold ?? this.mode.Worst;
    }

    public string Filepath { get; }

    public string Monitor { get; }

    public int Verbose { get; }

    public bool SaveBestOnly { get; }

    public bool SaveWeightsOnly { get; }

    /// <summary>The best monitored value so far (Keras's <c>best</c>; it carries over between Fit calls, as in Keras).</summary>
    public double Best { get; private set; }

    /// <summary>The path written last, or null.</summary>
    public string? LastSavedPath { get; private set; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        double untouched = mode.Worst;
        mode.Resolve(Model.CurrentFit);
        // Nothing was saved yet under the guessed direction: start from the settled one's worst.
        if (Best == untouched && initialValueThreshold is null) Best = mode.Worst;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        double current = double.NaN;
        if (SaveBestOnly && !TryGetMonitored(logs, Monitor, epoch, out current)) return;
        string path = CheckpointPath.Format(Filepath, epoch + 1, logs);
        if (SaveBestOnly)
        {
            if (!mode.IsImprovement(current, Best))
            {
                Print($"Epoch {epoch + 1}: {Monitor} did not improve from {Five(Best)}");
                return;
            }
            Print($"Epoch {epoch + 1}: {Monitor} improved from {Five(Best)} to {Five(current)}, saving model to {path}");
            Best = current;
        }
        else Print($"Epoch {epoch + 1}: saving model to {path}");
        Save(path);
    }

    private void Save(string path)
    {
        if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } folder) Directory.CreateDirectory(folder);
        if (SaveWeightsOnly) Model.SaveWeights(path);
        else Model.Save(path);
        LastSavedPath = path;
    }

    /// <summary>Python's "%0.5f" (inf for the starting best).</summary>
    private static string Five(double value) => double.IsInfinity(value)
        ? (value > 0 ? "inf" : "-inf")
        : value.ToString("F5", CultureInfo.InvariantCulture);

    // Keras prints a blank line first, to leave the progress bar's line.
    private void Print(string message)
    {
        if (Verbose <= 0) return;
        var writer = output ?? Console.Out;
        writer.WriteLine();
        writer.WriteLine(message);
    }
}
