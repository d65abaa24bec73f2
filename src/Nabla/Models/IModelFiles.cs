namespace Nabla;

/// <summary>
/// The file formats a model is saved to, loaded from and exported to. They live above the models
/// (<c>Nabla.Serialization</c>), which registers its implementation in <see cref="ModelFiles"/> when the library
/// loads; <see cref="Model.Save"/>, <see cref="Model.Load"/> and the others delegate to it.
/// </summary>
public interface IModelFiles
{
    void SaveWeights(Model model, string path);

    void LoadWeights(Model model, string path);

    void Save(Model model, string path);

    Model Load(string path);

    /// <summary>Writes a training backup atomically: weights, optimizer state and the caller's metadata (BackupAndRestore).</summary>
    void SaveTrainingState(Model model, string path, IReadOnlyDictionary<string, string> metadata);

    /// <summary>Reads a training backup: its metadata, and an action that restores its weights and optimizer state.</summary>
    (IReadOnlyDictionary<string, string> Metadata, Action Restore) ReadTrainingState(Model model, string path);

    IReadOnlyList<string> ExportFormats { get; }

    void Export(Model model, string path, string format);
}

/// <summary>Where <see cref="Model"/> finds the file formats.</summary>
public static class ModelFiles
{
    private static IModelFiles? formats;

    /// <summary>The registered formats; set once by <c>Nabla.Serialization</c> when the library loads.</summary>
    public static IModelFiles Formats
    {
        get => formats ?? throw new InvalidOperationException("No model file formats are registered.");
        set => formats = value ?? throw new ArgumentNullException(nameof(value));
    }
}
