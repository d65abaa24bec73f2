using Nabla.Layers;

namespace Nabla.Data;

/// <summary>
/// Keras's image-file utilities: <c>keras.utils.load_img</c> with <c>img_to_array</c> (<see cref="LoadImg"/>) and
/// <c>keras.utils.image_dataset_from_directory</c> (<see cref="DatasetFromDirectory"/>). Pixels come as float32 in
/// 0..255, channels last, as Keras gives them; scaling is the model's business (a Rescaling layer, or an application's
/// <c>PreprocessInput</c>).
/// </summary>
public static class Images
{
    /// <summary>The extensions <see cref="DatasetFromDirectory"/> takes (Keras's <c>ALLOWLIST_FORMATS</c>), in any case.</summary>
    public static IReadOnlyList<string> Formats { get; } = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

    private static readonly string[] ColorModes = ["grayscale", "rgb", "rgba"];

    /// <summary>
    /// Reads one image file as a tensor [height, width, channels] (Keras's <c>img_to_array(load_img(path, ...))</c>).
    /// <paramref name="colorMode"/> "rgb" (3 channels), "rgba" (4) or "grayscale" (1, Pillow's ITU-R 601-2 luma);
    /// <paramref name="targetSize"/> resizes as Pillow's nearest-neighbour resize does (Keras's default
    /// interpolation), first cutting the largest central window of the target's aspect ratio when
    /// <paramref name="keepAspectRatio"/> is set. JPEG files decode with stb_image's decoder, which may differ from
    /// libjpeg's by a level or two per pixel; PNG, BMP and GIF pixels are exact.
    /// </summary>
    public static Tensor LoadImg(string path, string colorMode = "rgb", (int Height, int Width)? targetSize = null,
        string interpolation = "nearest", bool keepAspectRatio = false)
    {
        int channels = Channels(colorMode);
        if (interpolation != "nearest")
            throw new ArgumentException(
                $"LoadImg: interpolation '{interpolation}' is not supported; Nabla resizes with Pillow's 'nearest' (Keras's default). " +
                "For bilinear resizing, load at full size and resize with a Resizing layer, as DatasetFromDirectory does.", nameof(interpolation));
        CheckSize(targetSize, nameof(targetSize));
        var (pixels, height, width) = ImageFile.Decode(path, channels);
        if (targetSize is not var (targetHeight, targetWidth) || (targetHeight == height && targetWidth == width))
            return ToTensor(pixels, [height, width, channels]);
        var (top, left, cropHeight, cropWidth) = keepAspectRatio
            ? CentralWindow(height, width, targetHeight, targetWidth)
            : (0, 0, height, width);
        var resized = PillowNearest(pixels, width, channels, (top, left, cropHeight, cropWidth), targetHeight, targetWidth);
        return ToTensor(resized, [targetHeight, targetWidth, channels]);
    }

    /// <summary>
    /// Reads a folder of images into memory (Keras's <c>image_dataset_from_directory</c>, whose batches of one epoch
    /// these are): with <paramref name="labels"/> "inferred" each subfolder (in ordinal order, hidden ones left out, or
    /// in the order of <paramref name="classNames"/>, which may name a subset) is a class and every BMP, GIF, JPEG or
    /// PNG file under it, at any depth, one sample; with null, the folder's files without labels.
    /// <paramref name="labelMode"/> "int" gives labels [n] (class indices), "categorical" one-hot [n, classes],
    /// "binary" [n, 1] of 0 and 1 (two classes only), null none. Images are resized to <paramref name="imageSize"/>
    /// (Keras's default 256 x 256) as <c>tf.image.resize</c> does ("bilinear" or "nearest", half-pixel centres, no
    /// antialiasing), after cutting the largest central window of its aspect ratio with
    /// <paramref name="cropToAspectRatio"/>. The files are shuffled with <paramref name="seed"/> as NumPy's
    /// <c>RandomState(seed).shuffle</c> shuffles them in Keras, unless <paramref name="shuffle"/> is false (then in
    /// ordinal path order); <paramref name="validationSplit"/> with
    /// <paramref name="subset"/> "training" or "validation" keeps the first or the last fraction, so two calls with the
    /// same seed split the files without overlap. Keras's subset "both" is two such calls here.
    /// </summary>
    public static LabeledImages DatasetFromDirectory(string directory, string? labels = "inferred", string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", (int Height, int Width)? imageSize = null,
        bool shuffle = true, int? seed = null, double? validationSplit = null, string? subset = null,
        string interpolation = "bilinear", bool followLinks = false, bool cropToAspectRatio = false, bool verbose = true)
    {
        int channels = Channels(colorMode);
        if (labels is not ("inferred" or null))
            throw new ArgumentException($"DatasetFromDirectory: labels must be \"inferred\" (from the subfolders) or null (no labels); found '{labels}'.", nameof(labels));
        if (labelMode is not ("int" or "categorical" or "binary" or null))
            throw new ArgumentException($"DatasetFromDirectory: labelMode must be \"int\", \"categorical\", \"binary\" or null; found '{labelMode}'.", nameof(labelMode));
        if (labels is null && classNames is not null)
            throw new ArgumentException("DatasetFromDirectory: classNames needs labels \"inferred\" (there are no classes without labels).", nameof(classNames));
        if (interpolation is not ("bilinear" or "nearest"))
            throw new ArgumentException($"DatasetFromDirectory: interpolation '{interpolation}' is not supported; supported: bilinear, nearest.", nameof(interpolation));
        var (height, width) = imageSize ?? (256, 256);
        CheckSize((height, width), nameof(imageSize));
        CheckSplit(validationSplit, subset, shuffle, seed);
        if (seed is < 0)
            throw new ArgumentOutOfRangeException(nameof(seed), seed, "seed must be between 0 and 2^32 - 1, as NumPy's RandomState takes it.");
        bool labelled = labels is not null && labelMode is not null;

        var index = ImageDirectoryIndex.Read(directory, inferred: labels is not null, classNames, followLinks);
        if (labelMode == "binary" && labelled && index.ClassNames.Count != 2)
            throw new ArgumentException($"DatasetFromDirectory: labelMode \"binary\" needs exactly 2 classes; '{directory}' has {index.ClassNames.Count} ({string.Join(", ", index.ClassNames)}).", nameof(labelMode));
        if (verbose)
            Console.WriteLine(labels is null ? $"Found {index.Paths.Count} files." : $"Found {index.Paths.Count} files belonging to {index.ClassNames.Count} classes.");
        var order = Enumerable.Range(0, index.Paths.Count).ToArray();
        // Keras draws np.random.randint(1e6) when no seed is given; Nabla draws it from its own seeded generator.
        if (shuffle) new NumPyShuffle((uint)(seed ?? Utils.Random.NextInt(1_000_000))).Shuffle(order);
        order = Subset(order, validationSplit, subset, directory, verbose);

        long values = (long)order.Length * height * width * channels;
        if (values > Array.MaxLength)
            throw new ArgumentException($"DatasetFromDirectory: {order.Length} images of {height} x {width} x {channels} make {values:N0} values, more than one tensor holds ({Array.MaxLength:N0}); use a smaller imageSize or fewer files.", nameof(imageSize));
        var images = new Tensor(order.Length, height, width, channels);
        int size = height * width * channels;
        for (int i = 0; i < order.Length; i++)
        {
            var (pixels, h, w) = ImageFile.Decode(index.Paths[order[i]], channels);
            // tf.image.resize, or smart_resize's central window first: the Resizing layer's own resize, without a layer
            // (a layer built here would take a name from the user's session).
            var window = cropToAspectRatio ? ImageWindow.AspectRatio(h, w, height, width) : new ImageWindow(0, 0, h, w);
            var resized = window.Cut(ToTensor(pixels, [1, h, w, channels]), height, width, bilinear: interpolation == "bilinear");
            resized.Data.AsSpan(0, size).CopyTo(images.Data.AsSpan(i * size, size));
        }
        var classes = labels is null ? [] : index.ClassNames;
        return new LabeledImages(images, labelled ? Labels(order.Select(k => index.Labels[k]).ToArray(), labelMode!, classes.Count) : null,
            classes, order.Select(k => index.Paths[k]).ToArray());
    }

    private static int Channels(string colorMode) => colorMode switch
    {
        "grayscale" => 1,
        "rgb" => 3,
        "rgba" => 4,
        _ => throw new ArgumentException($"colorMode must be one of {string.Join(", ", ColorModes)}; found '{colorMode}'.", nameof(colorMode)),
    };

    private static void CheckSize((int Height, int Width)? size, string name)
    {
        if (size is var (h, w) && (h < 1 || w < 1))
            throw new ArgumentException($"{name} must be positive; found ({h}, {w}).", name);
    }

    /// <summary>Keras's <c>check_validation_split_arg</c>.</summary>
    private static void CheckSplit(double? validationSplit, string? subset, bool shuffle, int? seed)
    {
        if (validationSplit is { } split && !(split > 0 && split < 1))
            throw new ArgumentOutOfRangeException(nameof(validationSplit), split, "validationSplit must be between 0 and 1.");
        if (subset == "both")
            throw new ArgumentException("DatasetFromDirectory: subset \"both\" returns two datasets in Keras; call DatasetFromDirectory twice, with subset \"training\" and \"validation\" and the same seed.", nameof(subset));
        if (subset is not ("training" or "validation" or null))
            throw new ArgumentException($"DatasetFromDirectory: subset must be \"training\", \"validation\" or null; found '{subset}'.", nameof(subset));
        if ((validationSplit is null) != (subset is null))
            throw new ArgumentException("DatasetFromDirectory: subset and validationSplit go together: set both or neither.", nameof(subset));
        if (validationSplit is not null && shuffle && seed is null)
            throw new ArgumentException("DatasetFromDirectory: with validationSplit and shuffling, pass a seed, so that the training and validation calls split the same shuffled files without overlap.", nameof(seed));
    }

    /// <summary>Keras's <c>get_training_or_validation_split</c>: the last int(split · n) files are the validation subset.</summary>
    private static int[] Subset(int[] order, double? validationSplit, string? subset, string directory, bool verbose)
    {
        if (validationSplit is not { } split) return order;
        int validation = (int)(split * order.Length);
        if (validation == 0 || validation == order.Length)
            throw new ArgumentException($"DatasetFromDirectory: validationSplit {split} of the {order.Length} files in '{directory}' leaves {(validation == 0 ? "no validation" : "no training")} files.", nameof(validationSplit));
        var kept = subset == "training" ? order[..^validation] : order[^validation..];
        if (verbose) Console.WriteLine($"Using {kept.Length} files for {subset}.");
        return kept;
    }

    private static Tensor Labels(int[] labels, string labelMode, int classes)
    {
        var indices = Tensor.FromArray(labels.Select(l => (float)l).ToArray(), [labels.Length]);
        return labelMode switch
        {
            "categorical" => Preprocessing.ToCategorical(indices, classes),
            "binary" => Tensor.FromArray(indices.Data.AsSpan(0, labels.Length).ToArray(), [labels.Length, 1]),
            _ => indices,
        };
    }

    private static Tensor ToTensor(byte[] pixels, int[] shape)
    {
        var values = new float[pixels.Length];
        for (int i = 0; i < pixels.Length; i++) values[i] = pixels[i];
        return Tensor.FromArray(values, shape);
    }

    /// <summary>Keras's load_img with keep_aspect_ratio: the largest central box of the target's aspect ratio.</summary>
    private static (int Top, int Left, int Height, int Width) CentralWindow(int height, int width, int targetHeight, int targetWidth)
    {
        int cropHeight = Math.Min(height, (int)((long)width * targetHeight / targetWidth));
        int cropWidth = Math.Min(width, (int)((long)height * targetWidth / targetHeight));
        return ((height - cropHeight) / 2, (width - cropWidth) / 2, cropHeight, cropWidth);
    }

    /// <summary>
    /// Pillow's nearest-neighbour resize of a box (its <c>ImagingScaleAffine</c>): the source column of output column x
    /// is the integer part of left + scale·0.5 + x·scale, the position accumulated by adding scale once per column in
    /// double precision as Pillow does (so a position that lands on a pixel edge picks the same pixel); rows likewise.
    /// </summary>
    private static byte[] PillowNearest(byte[] pixels, int width, int channels, (int Top, int Left, int Height, int Width) box,
        int outHeight, int outWidth)
    {
        var columns = Positions(box.Left, (double)box.Width / outWidth, outWidth);
        var rows = Positions(box.Top, (double)box.Height / outHeight, outHeight);
        var result = new byte[outHeight * outWidth * channels];
        for (int y = 0; y < outHeight; y++)
            for (int x = 0; x < outWidth; x++)
                Array.Copy(pixels, ((long)rows[y] * width + columns[x]) * channels, result, ((long)y * outWidth + x) * channels, channels);
        return result;
    }

    private static int[] Positions(int start, double scale, int count)
    {
        var positions = new int[count];
        double position = start + scale * 0.5;
        for (int i = 0; i < count; i++, position += scale) positions[i] = (int)position;
        return positions;
    }
}

/// <summary>What <see cref="Images.DatasetFromDirectory"/> read: the images [n, height, width, channels] (0..255), their
/// labels (null without), the class names in label order, and each image's file, in sample order (Keras's
/// <c>class_names</c> and <c>file_paths</c>).</summary>
public sealed record LabeledImages(Tensor Images, Tensor? Labels, IReadOnlyList<string> ClassNames, IReadOnlyList<string> FilePaths);
