namespace Nabla.Data;

/// <summary>
/// What a folder of images holds, as <see cref="Images.DatasetFromDirectory"/> would read it: its classes (one subfolder
/// each, when it has subfolders) with their file counts, the image sizes and channels, and every file that cannot be
/// decoded, with the reason: the check Keras's "image classification from scratch" tutorial runs by hand before
/// training ("filter out corrupted images"), since one such file stops the whole dataset.
/// </summary>
public sealed class ImageFolderSummary
{
    public required string Directory { get; init; }

    /// <summary>Each class folder with its number of image files, in label order; empty when the folder has no class folders.</summary>
    public required IReadOnlyList<(string Name, int Files)> Classes { get; init; }

    public required int Files { get; init; }

    /// <summary>File count per extension (lower case).</summary>
    public required IReadOnlyDictionary<string, int> Extensions { get; init; }

    /// <summary>Decoded images per number of channels the file holds (1 grey, 2 grey and alpha, 3 colour, 4 colour and alpha).</summary>
    public required IReadOnlyDictionary<int, int> FileChannels { get; init; }

    /// <summary>The decoded images' sizes, most frequent first.</summary>
    public required IReadOnlyList<((int Height, int Width) Size, int Count)> Sizes { get; init; }

    /// <summary>Files that cannot be decoded, with the reason.</summary>
    public required IReadOnlyList<(string Path, string Reason)> Unreadable { get; init; }

    /// <summary>Decodes every image of <paramref name="directory"/> (BMP, GIF, JPEG, PNG at any depth; classes as
    /// <see cref="Images.DatasetFromDirectory"/> infers them when there are subfolders).</summary>
    public static ImageFolderSummary Compute(string directory)
    {
        const string caller = "ImageFolderSummary";
        ArgumentException.ThrowIfNullOrEmpty(directory);
        bool classes = System.IO.Directory.Exists(directory) &&
            System.IO.Directory.EnumerateDirectories(directory).Any(d => !Path.GetFileName(d).StartsWith('.'));
        var index = DirectoryIndex.Read(caller, directory, inferred: classes, classNames: null, followLinks: false, Images.Formats);
        var decoded = new (int Height, int Width, int Channels)?[index.Paths.Count];
        var reasons = new string?[index.Paths.Count];
        ImageFile.ForEach(index.Paths.Count, i =>
        {
            string path = index.Paths[i];
            try
            {
                var (_, height, width, fileChannels) = ImageFile.Decode(path, 3);
                decoded[i] = (height, width, fileChannels);
            }
            catch (DataFormatException e)
            {
                reasons[i] = e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message[(path.Length + 2)..] : e.Message;
            }
        });
        var sizes = new Dictionary<(int, int), int>();
        var channels = new SortedDictionary<int, int>();
        var unreadable = new List<(string, string)>();
        for (int i = 0; i < decoded.Length; i++)
        {
            if (decoded[i] is var (height, width, fileChannels))
            {
                sizes[(height, width)] = sizes.GetValueOrDefault((height, width)) + 1;
                channels[fileChannels] = channels.GetValueOrDefault(fileChannels) + 1;
            }
            else unreadable.Add((index.Paths[i], reasons[i]!));
        }
        return new ImageFolderSummary
        {
            Directory = directory,
            Classes = index.ClassNames.Select((name, label) => (name, index.Labels.Count(l => l == label))).ToList(),
            Files = index.Paths.Count,
            Extensions = index.Paths.GroupBy(p => Path.GetExtension(p).ToLowerInvariant()).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count()),
            FileChannels = channels,
            Sizes = sizes.OrderByDescending(s => s.Value).ThenBy(s => s.Key).Select(s => (s.Key, s.Value)).ToList(),
            Unreadable = unreadable,
        };
    }

    /// <summary>What to do before training on this folder, each with the evidence.</summary>
    public IReadOnlyList<string> Hints()
    {
        var hints = new List<string>();
        if (Unreadable.Count > 0)
            hints.Add($"{Unreadable.Count} of {Files} files cannot be decoded and would stop DatasetFromDirectory: remove or replace them (listed above).");
        if (Classes.Count == 1)
            hints.Add("There is one class folder: a classifier needs two or more (or read the folder with labels: null).");
        if (Classes.Count > 1 && Classes.Min(c => c.Files) is var fewest and > 0 && Classes.Max(c => c.Files) is var most && most >= 3 * fewest)
            hints.Add($"Classes are imbalanced ({most} files against {fewest}): weigh them (Fit's classWeight) or watch per-class metrics; accuracy alone flatters the larger class.");
        if (Classes.Any(c => c.Files == 0))
            hints.Add($"Class folders without images: {string.Join(", ", Classes.Where(c => c.Files == 0).Select(c => c.Name))} (their labels would never be seen).");
        if (Sizes.Count > 1)
        {
            double ratio(((int Height, int Width) Size, int) s) => (double)s.Size.Width / s.Size.Height;
            if (Sizes.Max(ratio) > 1.1 * Sizes.Min(ratio))
                hints.Add("Aspect ratios differ: imageSize stretches each image to one ratio; cropToAspectRatio cuts the central window instead.");
        }
        if (FileChannels.Keys.Contains(1) && FileChannels.Keys.Any(c => c >= 3))
            hints.Add("Grey and colour images are mixed: colorMode \"rgb\" repeats a grey level in the three channels, \"grayscale\" turns colour to luma.");
        return hints;
    }
}
