namespace Nabla;

/// <summary>
/// The file formats a model is saved to, loaded from and exported to. They live above the models
/// (<c>Nabla.Serialization</c>), which registers its implementation in <see cref="ModelFiles"/> when the library
/// loads; <see cref="Model.Save"/>, <see cref="Model.Load"/> and the others delegate to it.
/// </summary>
public interface IModelFiles
{
    void SaveWeights(Model model, string path);

    /// <summary>Loads weights into a built model (<see cref="Model.LoadWeights"/> says what each option does).</summary>
    WeightsLoadReport LoadWeights(Model model, string path, bool skipMismatch, bool byName);

    void Save(Model model, string path);

    Model Load(string path);

    /// <summary>Writes a training backup atomically: weights, optimizer state and the caller's metadata (BackupAndRestore).</summary>
    void SaveTrainingState(Model model, string path, IReadOnlyDictionary<string, string> metadata);

    /// <summary>Reads a training backup: its metadata, and an action that restores its weights and optimizer state.</summary>
    (IReadOnlyDictionary<string, string> Metadata, Action Restore) ReadTrainingState(Model model, string path);

    /// <summary>The path endings these formats read or write (".keras", ".h5"...).</summary>
    IReadOnlyList<string> Extensions { get; }

    IReadOnlyList<string> ExportFormats { get; }

    void Export(Model model, string path, string format);
}

/// <summary>
/// A file format a user adds with <see cref="ModelFiles.Add"/>: <see cref="Model.Save"/> and <see cref="Model.Load"/>
/// (and, when implemented, the weights methods) of paths that end in its extension come here.
/// </summary>
public interface IModelFileFormat
{
    void Save(Model model, string path);

    Model Load(string path);

    void SaveWeights(Model model, string path) =>
        throw new NotSupportedException($"SaveWeights: the format of '{path}' ({GetType().Name}) saves whole models only.");

    void LoadWeights(Model model, string path) =>
        throw new NotSupportedException($"LoadWeights: the format of '{path}' ({GetType().Name}) loads whole models only.");
}

/// <summary>
/// Where <see cref="Model"/> finds the file formats: the built-in ones, which <c>Nabla.Serialization</c> registers
/// when the library loads and which cannot be replaced, and those users add, each for its own extension.
/// </summary>
public static class ModelFiles
{
    private static IModelFiles? builtIn;
    private static readonly Lock Gate = new();
    private static KeyValuePair<string, IModelFileFormat>[] added = [];

    /// <summary>The built-in formats (<see cref="IModelFiles.Extensions"/> lists what they read and write).</summary>
    public static IModelFiles Formats => builtIn ?? throw new InvalidOperationException("No model file formats are registered.");

    internal static void RegisterBuiltIn(IModelFiles formats) => builtIn = formats ?? throw new ArgumentNullException(nameof(formats));

    /// <summary>The extensions of the formats users added, in the order added.</summary>
    public static IReadOnlyList<string> AddedExtensions => Volatile.Read(ref added).Select(pair => pair.Key).ToArray();

    /// <summary>
    /// Adds a format for paths ending in <paramref name="extension"/> (".myformat"). The built-in formats stay:
    /// an extension that would take over their files (one a built-in extension ends with, such as ".h5" or "5")
    /// is refused, and so is one already added.
    /// </summary>
    public static void Add(string extension, IModelFileFormat format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(extension);
        ArgumentNullException.ThrowIfNull(format);
        if (Formats.Extensions.FirstOrDefault(e => e.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) is { } taken)
            throw new ArgumentException($"ModelFiles.Add: extension '{extension}' would take over the built-in '{taken}' files; choose another.", nameof(extension));
        lock (Gate)
        {
            if (added.Any(pair => string.Equals(pair.Key, extension, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"ModelFiles.Add: a format for '{extension}' was already added.", nameof(extension));
            Volatile.Write(ref added, [.. added, new(extension, format)]);
        }
    }

    /// <summary>The added format whose extension ends <paramref name="path"/> (the longest such), or null: the built-ins.</summary>
    internal static IModelFileFormat? AddedFor(string path)
    {
        IModelFileFormat? found = null;
        int longest = 0;
        foreach (var (extension, format) in Volatile.Read(ref added))
            if (extension.Length > longest && path.EndsWith(extension, StringComparison.OrdinalIgnoreCase))
                (found, longest) = (format, extension.Length);
        return found;
    }
}
