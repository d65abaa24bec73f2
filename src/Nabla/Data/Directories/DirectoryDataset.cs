namespace Nabla.Data;

/// <summary>
/// What Keras's <c>image_dataset_from_directory</c> and <c>text_dataset_from_directory</c> share: their argument
/// checks, the folder's index, NumPy's seeded shuffle, the validation subset and the labels' encoding
/// (keras/src/utils/dataset_utils.py). The readers then load the selected files.
/// </summary>
internal static class DirectoryDataset
{
    /// <summary>The files to read, in sample order, with their class indices, and the class names (empty without labels).</summary>
    public static (string[] Paths, int[] Labels, IReadOnlyList<string> ClassNames, bool Labelled) Select(string caller, string directory,
        IReadOnlyList<string> formats, string? labels, string? labelMode, IReadOnlyList<string>? classNames, bool shuffle, int? seed,
        double? validationSplit, string? subset, bool followLinks, bool verbose)
    {
        if (labels is not ("inferred" or null))
            throw new ArgumentException($"{caller}: labels must be \"inferred\" (from the subfolders) or null (no labels); found '{labels}'.", nameof(labels));
        if (labelMode is not ("int" or "categorical" or "binary" or null))
            throw new ArgumentException($"{caller}: labelMode must be \"int\", \"categorical\", \"binary\" or null; found '{labelMode}'.", nameof(labelMode));
        if (labels is null && classNames is not null)
            throw new ArgumentException($"{caller}: classNames needs labels \"inferred\" (there are no classes without labels).", nameof(classNames));
        CheckSplit(caller, validationSplit, subset, shuffle, seed);
        bool labelled = labels is not null && labelMode is not null;

        var index = DirectoryIndex.Read(caller, directory, inferred: labels is not null, classNames, followLinks, formats);
        if (labelMode == "binary" && labelled && index.ClassNames.Count != 2)
            throw new ArgumentException($"{caller}: labelMode \"binary\" needs exactly 2 classes; '{directory}' has {index.ClassNames.Count} ({string.Join(", ", index.ClassNames)}).", nameof(labelMode));
        if (verbose)
            Console.WriteLine(labels is null ? $"Found {index.Paths.Count} files." : $"Found {index.Paths.Count} files belonging to {index.ClassNames.Count} classes.");
        var order = Enumerable.Range(0, index.Paths.Count).ToArray();
        // Keras draws np.random.randint(1e6) when no seed is given; Nabla draws it from its own seeded generator.
        if (shuffle) new NumPyShuffle((uint)(seed ?? Utils.Random.NextInt(1_000_000))).Shuffle(order);
        order = Subset(caller, order, validationSplit, subset, directory, verbose);
        return (order.Select(k => index.Paths[k]).ToArray(), order.Select(k => index.Labels[k]).ToArray(),
            labels is null ? [] : index.ClassNames, labelled);
    }

    /// <summary>Keras's <c>check_validation_split_arg</c>.</summary>
    private static void CheckSplit(string caller, double? validationSplit, string? subset, bool shuffle, int? seed)
    {
        if (validationSplit is { } split && !(split > 0 && split < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), split, "validationSplit must be between 0 and 1.");
        if (subset == "both")
            throw new ArgumentException($"{caller}: subset \"both\" returns two datasets in Keras; call {caller} twice, with subset \"training\" and \"validation\" and the same seed.", nameof(subset));
        if (subset is not ("training" or "validation" or null))
            throw new ArgumentException($"{caller}: subset must be \"training\", \"validation\" or null; found '{subset}'.", nameof(subset));
        if ((validationSplit is null) != (subset is null))
            throw new ArgumentException($"{caller}: subset and validationSplit go together: set both or neither.", nameof(subset));
        if (validationSplit is not null && shuffle && seed is null)
            throw new ArgumentException($"{caller}: with validationSplit and shuffling, pass a seed, so that the training and validation calls split the same shuffled files without overlap.", nameof(seed));
        if (seed is < 0)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "seed must be between 0 and 2^32 - 1, as NumPy's RandomState takes it.");
    }

    /// <summary>Keras's <c>get_training_or_validation_split</c>: the last int(split · n) files are the validation subset.</summary>
    private static int[] Subset(string caller, int[] order, double? validationSplit, string? subset, string directory, bool verbose)
    {
        if (validationSplit is not { } split) return order;
        int validation = (int)(split * order.Length);
        if (validation == 0 || validation == order.Length)
            throw new ArgumentException($"{caller}: validationSplit {split} of the {order.Length} files in '{directory}' leaves {(validation == 0 ? "no validation" : "no training")} files.", nameof(validationSplit));
        var kept = subset == "training" ? order[..^validation] : order[^validation..];
        if (verbose) Console.WriteLine($"Using {kept.Length} files for {subset}.");
        return kept;
    }

    /// <summary>Keras's label modes: "int" class indices [n], "categorical" one-hot [n, classes], "binary" [n, 1].</summary>
    public static Tensor Labels(int[] labels, string labelMode, int classes)
    {
        var indices = Tensor.FromArray(labels.Select(l => (float)l).ToArray(), [labels.Length]);
        return labelMode switch
        {
            "categorical" => Preprocessing.ToCategorical(indices, classes),
            "binary" => Tensor.FromArray(indices.Data.AsSpan(0, labels.Length).ToArray(), [labels.Length, 1]),
            _ => indices,
        };
    }
}
