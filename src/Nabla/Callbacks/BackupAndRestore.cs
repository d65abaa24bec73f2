using System.Globalization;
using Nabla.Data;

namespace Nabla.Callbacks;

/// <summary>
/// Keras's <c>BackupAndRestore</c>: at the end of every epoch it backs up the training state to
/// <c>backupDir</c>; when <c>Fit</c> starts and finds a backup (the previous run was killed), it restores it and
/// training goes on at the epoch after the backed-up one, finishing with the same bits as a run that was never
/// interrupted. The state is one safetensors file written atomically: every weight, the optimizer's arrays and
/// iteration count, Nabla's random generator, the order of the training samples (or a dataset's batches) and the
/// position in that order (a dataset's pass may go on across epochs with stepsPerEpoch), and the state Nabla's own
/// datasets keep (an image folder's file order and reshuffling generator).
/// A Fit that ends normally deletes the backup (deleteCheckpoint, as Keras).
/// </summary>
public sealed class BackupAndRestore : Callback
{
    /// <summary>The backup's file name inside the backup folder.</summary>
    public const string FileName = "backup.safetensors";

    private const string EpochKey = "epoch", GeneratorKey = "generator", OrderKey = "order", PositionKey = "position",
        DatasetKey = "dataset";

    /// <param name="backupDir">The folder for the backup; created when needed.</param>
    /// <param name="saveFreq">Only "epoch" (Keras's default); backups in the middle of an epoch are not supported.</param>
    /// <param name="deleteCheckpoint">Delete the backup when training completes.</param>
    public BackupAndRestore(string backupDir, string saveFreq = "epoch", bool deleteCheckpoint = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(backupDir);
        if (saveFreq != "epoch")
            throw new ArgumentException(
                $"BackupAndRestore 'saveFreq' must be \"epoch\", found \"{saveFreq}\" (backups within an epoch are not supported).",
                nameof(saveFreq));
        BackupDir = backupDir;
        DeleteCheckpoint = deleteCheckpoint;
    }

    public string BackupDir { get; }

    public bool DeleteCheckpoint { get; }

    public string BackupPath => Path.Combine(BackupDir, FileName);

    /// <summary>The epoch (0-based) the latest Fit resumed at, or null when it found no backup.</summary>
    public int? ResumedAtEpoch { get; private set; }

    public override void OnTrainBegin(IReadOnlyDictionary<string, double> logs)
    {
        ResumedAtEpoch = null;
        if (!File.Exists(BackupPath)) return;
        var progress = RequireFit();
        var (metadata, restoreWeights) = ModelFiles.Formats.ReadTrainingState(Model, BackupPath);
        Restore(metadata, restoreWeights, progress);
        ResumedAtEpoch = progress.NextEpoch;
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var progress = RequireFit();
        var metadata = new Dictionary<string, string>
        {
            [EpochKey] = (epoch + 1).ToString(CultureInfo.InvariantCulture),
            [GeneratorKey] = Utils.Random.SaveState(),
            [OrderKey] = PermutationText.Write(progress.Order),
            [PositionKey] = progress.Position.ToString(CultureInfo.InvariantCulture),
        };
        if (progress.DatasetState is string datasetState) metadata[DatasetKey] = datasetState;
        Directory.CreateDirectory(BackupDir);
        ModelFiles.Formats.SaveTrainingState(Model, BackupPath, metadata);
    }

    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        // As Keras: a Fit that ends (also by early stopping) deletes it; a killed or failed run keeps it.
        if (DeleteCheckpoint && File.Exists(BackupPath)) File.Delete(BackupPath);
    }

    private FitProgress RequireFit() => Model.FitProgress ?? throw new InvalidOperationException(
        "BackupAndRestore works inside Model.Fit only.");

    /// <summary>Checks the backup's progress against this run before changing anything, then restores it.</summary>
    private void Restore(IReadOnlyDictionary<string, string> metadata, Action restoreWeights, FitProgress progress)
    {
        string source = BackupPath;
        string Meta(string key) => metadata.GetValueOrDefault(key)
            ?? throw DataFormatException.AtField(source, $"__metadata__.{key}", "a value (a backup written by BackupAndRestore)", "none");
        string epochText = Meta(EpochKey);
        if (!int.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out int nextEpoch))
            throw DataFormatException.AtField(source, $"__metadata__.{EpochKey}", "a whole number of epochs", $"\"{epochText}\"");
        // The order of this run's training samples, or of a dataset's batches (none for an endless dataset).
        var order = PermutationText.Parse(Meta(OrderKey), progress.Order.Length, source, $"__metadata__.{OrderKey}",
            $"this run's {progress.Order.Length} training samples (was the data changed?)");
        string positionText = Meta(PositionKey);
        // A pass resumes before its end: a finished pass is saved as position 0.
        if (!int.TryParse(positionText, NumberStyles.None, CultureInfo.InvariantCulture, out int position) || !progress.CanResumeAt(position))
            throw DataFormatException.AtField(source, $"__metadata__.{PositionKey}",
                order.Length > 0 ? $"a position this run can resume at (0 for arrays, below {order.Length} in a dataset's pass)" : "a whole number of batches",
                $"\"{positionText}\"");
        var generator = Utils.Random.Clone();
        if (!generator.TryRestoreState(Meta(GeneratorKey)))
            throw DataFormatException.AtField(source, $"__metadata__.{GeneratorKey}", "five hex words", $"\"{Meta(GeneratorKey)}\"");
        var restoreDataset = metadata.TryGetValue(DatasetKey, out var datasetState) ? progress.PrepareDatasetRestore(datasetState, source) : null;
        restoreWeights();
        restoreDataset?.Invoke();
        Utils.Random.CopyStateFrom(generator);
        order.CopyTo(progress.Order, 0);
        progress.Position = position;
        progress.NextEpoch = nextEpoch;
    }
}
