namespace Nabla.Data;

/// <summary>
/// The files of a folder, as Keras's <c>index_directory</c> lists them: with inferred labels, each subfolder not
/// starting with "." is a class (ordinal order, or the caller's), and its files at any depth are that class's, the
/// folders walked in ordinal order of their paths and each folder's files in ordinal order of their names; without
/// labels, the folder's own files at any depth. Only the given extensions count, in any case.
/// Linked folders are walked only when <c>followLinks</c> is set (Python's os.walk), linked files always.
/// </summary>
internal sealed record DirectoryIndex(IReadOnlyList<string> Paths, IReadOnlyList<int> Labels, IReadOnlyList<string> ClassNames)
{
    private static readonly EnumerationOptions Everything = new() { AttributesToSkip = 0, IgnoreInaccessible = false, RecurseSubdirectories = false };

    public static DirectoryIndex Read(string caller, string directory, bool inferred, IReadOnlyList<string>? classNames, bool followLinks,
        IReadOnlyList<string> formats)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"{caller}: folder '{directory}' does not exist (looked for {Path.GetFullPath(directory)}).");
        IReadOnlyList<string> classes = [""];
        if (inferred)
        {
            var subfolders = Directory.EnumerateDirectories(directory, "*", Everything).Select(Path.GetFileName).OfType<string>()
                .Where(name => !name.StartsWith('.')).Order(StringComparer.Ordinal).ToList();
            if (classNames is not null)
            {
                var unknown = classNames.Where(name => !subfolders.Contains(name, StringComparer.Ordinal)).ToList();
                if (unknown.Count > 0 || classNames.Distinct(StringComparer.Ordinal).Count() != classNames.Count)
                    throw new ArgumentException(
                        $"{caller}: classNames must name distinct subfolders of '{directory}' ({string.Join(", ", subfolders)}, or some of them); " +
                        (unknown.Count > 0 ? $"not subfolders: {string.Join(", ", unknown)}." : "a name is repeated."), nameof(classNames));
            }
            classes = classNames ?? subfolders;
        }
        var paths = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classes.Count; label++)
        {
            int before = paths.Count;
            Walk(classes[label].Length == 0 ? directory : Path.Combine(directory, classes[label]), followLinks, formats, paths);
            labels.AddRange(Enumerable.Repeat(label, paths.Count - before));
        }
        if (paths.Count == 0)
            throw new ArgumentException(
                $"{caller}: no files found in '{directory}'{(inferred ? " (one subfolder per class)" : "")}; allowed formats: {string.Join(", ", formats)}.", nameof(directory));
        return new(paths, labels, inferred ? classes : []);
    }

    /// <summary>os.walk sorted by folder path, each folder's files sorted by name. A linked folder that leads back to
    /// one already walked is walked once (os.walk with followlinks would loop forever).</summary>
    private static void Walk(string root, bool followLinks, IReadOnlyList<string> formats, List<string> paths)
    {
        var folders = new List<string> { root };
        var seen = new HashSet<string>(StringComparer.Ordinal) { Target(root) };
        for (int i = 0; i < folders.Count; i++)
            foreach (var sub in Directory.EnumerateDirectories(folders[i], "*", Everything))
                if ((followLinks || new DirectoryInfo(sub).LinkTarget is null) && seen.Add(Target(sub))) folders.Add(sub);
        foreach (var folder in folders.Order(StringComparer.Ordinal))
            paths.AddRange(Directory.EnumerateFiles(folder, "*", Everything)
                .Where(file => formats.Any(format => file.EndsWith(format, StringComparison.OrdinalIgnoreCase)))
                .Order(StringComparer.Ordinal));
    }

    private static string Target(string folder) => Path.GetFullPath(new DirectoryInfo(folder).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? folder);
}
