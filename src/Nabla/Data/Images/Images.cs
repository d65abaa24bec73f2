using Nabla.Layers;

namespace Nabla.Data;

/// <summary>
/// Keras's image-file utilities: <c>keras.utils.load_img</c> with <c>img_to_array</c> (<see cref="LoadImg"/>),
/// <c>save_img</c> (<see cref="SaveImg"/>) and <c>keras.utils.image_dataset_from_directory</c> (<see cref="DatasetFromDirectory"/>). Pixels come as float32 in
/// 0..255, as Keras gives them; scaling is the model's business (a Rescaling layer, or an application's
/// <c>PreprocessInput</c>). Each function's <c>dataFormat</c> is Keras's <c>data_format</c>: "channels_last"
/// ([height, width, channels]), "channels_first" ([channels, height, width]), or null for
/// <see cref="Configuration.KerasConfig.ImageDataFormat"/> at the time of the call.
/// </summary>
public static class Images
{
    /// <summary>The extensions <see cref="DatasetFromDirectory"/> takes (Keras's <c>ALLOWLIST_FORMATS</c>), in any case.</summary>
    public static IReadOnlyList<string> Formats { get; } = [".bmp", ".gif", ".jpeg", ".jpg", ".png"];

    private static readonly string[] ColorModes = ["grayscale", "rgb", "rgba"];

    /// <summary>
    /// Reads one image file as a tensor [height, width, channels], or [channels, height, width] when
    /// <paramref name="dataFormat"/> (null: <see cref="Configuration.KerasConfig.ImageDataFormat"/>) is "channels_first"
    /// (Keras's <c>img_to_array(load_img(path, ...), data_format)</c>).
    /// <paramref name="colorMode"/> "rgb" (3 channels), "rgba" (4) or "grayscale" (1, Pillow's ITU-R 601-2 luma);
    /// <paramref name="targetSize"/> resizes as Pillow's <c>Image.resize</c> does, bit for bit, with
    /// <paramref name="interpolation"/> one of Keras's "nearest" (the default), "bilinear", "bicubic", "hamming", "box"
    /// or "lanczos" (Pillow's filters: convolutions in 8-bit fixed point, across then down, and "rgba" premultiplied by
    /// alpha as Pillow resizes RGBA), over the largest central window of the target's aspect ratio when
    /// <paramref name="keepAspectRatio"/> is set. JPEG files decode with stb_image's decoder, which may differ from
    /// libjpeg-turbo's (Pillow's) by a few levels per pixel (up to 3 on baseline files, mean under 0.2); PNG, BMP and
    /// GIF pixels are exact.
    /// </summary>
    public static Tensor LoadImg(string path, string colorMode = "rgb", (int Height, int Width)? targetSize = null,
        string interpolation = "nearest", bool keepAspectRatio = false, string? dataFormat = null)
    {
        int channels = Channels(colorMode);
        if (!PillowResample.Interpolations.Contains(interpolation))
            throw new ArgumentException(
                $"LoadImg: interpolation '{interpolation}' is not one of Keras's: {string.Join(", ", PillowResample.Interpolations)}.", nameof(interpolation));
        CheckSize(targetSize, nameof(targetSize));
        var layout = ImageLayout.Parse("LoadImg", dataFormat);
        var (pixels, height, width, _) = ImageFile.Decode(path, channels);
        if (targetSize is var (targetHeight, targetWidth) && (targetHeight != height || targetWidth != width))
        {
            var window = keepAspectRatio ? CentralWindow(height, width, targetHeight, targetWidth) : (0, 0, height, width);
            pixels = PillowResample.Resize(pixels, height, width, channels, window, targetHeight, targetWidth, interpolation);
            (height, width) = (targetHeight, targetWidth);
        }
        var image = ToTensor(pixels, [height, width, channels]);
        if (!layout.ChannelsFirst) return image;
        var moved = new Tensor(layout.FromLast(image.Shape));
        layout.CopyFromLast(image.Data.AsSpan(0, image.Size), moved.Data, channels);
        return moved;
    }

    /// <summary>
    /// Writes one image [height, width, channels] (1 grey, 3 colour, 4 with alpha; [channels, height, width] when
    /// <paramref name="dataFormat"/>, null for <see cref="Configuration.KerasConfig.ImageDataFormat"/>, is
    /// "channels_first") to a PNG, JPEG (quality 75, Pillow's
    /// default) or BMP file, atomically, as Keras's <c>save_img</c>: the format from <paramref name="fileFormat"/> or the
    /// path's extension ("jpg" is JPEG); with <paramref name="scale"/> (Keras's default) the values are stretched to
    /// 0..255 first, without it they must already lie there (Keras would wrap the others round). JPEG drops an alpha
    /// channel, with a warning, as Keras does.
    /// </summary>
    // dataFormat comes last, not third as in Keras: code that passes fileFormat by position keeps working.
    public static void SaveImg(string path, Tensor image, string? fileFormat = null, bool scale = true, string? dataFormat = null) =>
        ImageWriting.Save(path, image, fileFormat, scale, dataFormat);

    /// <summary>
    /// Reads a folder of images into memory (Keras's <c>image_dataset_from_directory</c>, whose batches of one epoch
    /// these are; <see cref="BatchesFromDirectory"/> reads the same files a batch at a time): with <paramref name="labels"/> "inferred" each subfolder (in ordinal order, hidden ones left out, or
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
    /// same seed split the files without overlap. Keras's subset "both" is two such calls here. The images come
    /// [n, height, width, channels], or [n, channels, height, width] when <paramref name="dataFormat"/> (null:
    /// <see cref="Configuration.KerasConfig.ImageDataFormat"/> at the time of the call) is "channels_first": each image
    /// is resized (and cropped) channels-last, then its channels moved first, as Keras does.
    /// </summary>
    public static LabeledImages DatasetFromDirectory(string directory, string? labels = "inferred", string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", (int Height, int Width)? imageSize = null,
        bool shuffle = true, int? seed = null, double? validationSplit = null, string? subset = null,
        string interpolation = "bilinear", bool followLinks = false, bool cropToAspectRatio = false, string? dataFormat = null,
        bool verbose = true) =>
        ReadDirectory(directory, labels, labelMode, classNames, colorMode, imageSize, shuffle, seed, validationSplit, subset,
            interpolation, followLinks, cropToAspectRatio, dataFormat, verbose, maxBytes: long.MaxValue);

    /// <summary><see cref="DatasetFromDirectory"/>, refusing before any image is decoded a subset whose float32 pixels
    /// would pass <paramref name="maxBytes"/>.</summary>
    internal static LabeledImages ReadDirectory(string directory, string? labels, string? labelMode,
        IReadOnlyList<string>? classNames, string colorMode, (int Height, int Width)? imageSize, bool shuffle, int? seed,
        double? validationSplit, string? subset, string interpolation, bool followLinks, bool cropToAspectRatio, string? dataFormat,
        bool verbose, long maxBytes)
    {
        const string caller = "Images.DatasetFromDirectory";
        var shape = ImageShape(caller, colorMode, imageSize, interpolation);
        var layout = ImageLayout.Parse(caller, dataFormat);
        var (paths, classes, classNamesFound, labelled) = DirectoryDataset.Select(caller, directory, Formats, labels, labelMode, classNames,
            shuffle, seed, validationSplit, subset, followLinks, verbose);

        CheckImagesFit(caller, paths.Length, shape, maxBytes, "a smaller imageSize or fewer files", "imageSize");
        var images = NewBatch(paths.Length, shape, layout);
        DecodeInto(images, layout, paths, 0, paths.Length, cropToAspectRatio, interpolation);
        return new LabeledImages(images, labelled ? DirectoryDataset.Labels(classes, labelMode!, classNamesFound.Count) : null, classNamesFound, paths);
    }

    /// <summary>
    /// A folder of images read one batch at a time (Keras's <c>image_dataset_from_directory</c> with its
    /// <paramref name="batchSize"/>, default 32): the files, classes, labels, sizes, shuffle, seed and split of
    /// <see cref="DatasetFromDirectory"/>, but only the paths are held, and each batch is decoded when Fit, Evaluate or
    /// Predict reads it, so a folder larger than memory trains. With <paramref name="shuffle"/> on, the files are
    /// shuffled again after every epoch (Keras reshuffles every pass too). With <paramref name="workers"/> above 1 (2 by
    /// default, as Keras's dataset prefetches by default) up to two next batches are decoded while the model trains
    /// (see <see cref="Dataset.Workers"/>); 1 decodes each batch when the model needs it. The batches are the same either way.
    /// <paramref name="dataFormat"/> is <see cref="DatasetFromDirectory"/>'s, resolved once, by this call: channels-first
    /// batches come [n, channels, height, width].
    /// </summary>
    public static ImageFolderBatches BatchesFromDirectory(string directory, string? labels = "inferred", string? labelMode = "int",
        IReadOnlyList<string>? classNames = null, string colorMode = "rgb", int batchSize = 32, (int Height, int Width)? imageSize = null,
        bool shuffle = true, int? seed = null, double? validationSplit = null, string? subset = null,
        string interpolation = "bilinear", bool followLinks = false, bool cropToAspectRatio = false, string? dataFormat = null,
        bool verbose = true, int workers = 2)
    {
        const string caller = "Images.BatchesFromDirectory";
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch holds at least one image.");
        var shape = ImageShape(caller, colorMode, imageSize, interpolation);
        var layout = ImageLayout.Parse(caller, dataFormat);
        var (paths, classes, classNamesFound, labelled) = DirectoryDataset.Select(caller, directory, Formats, labels, labelMode, classNames,
            shuffle, seed, validationSplit, subset, followLinks, verbose);
        if (paths.Length == 0) throw new ArgumentException($"{caller}: '{directory}' holds no {string.Join(", ", Formats)} files.", nameof(directory));
        CheckImagesFit(caller, Math.Min(batchSize, paths.Length), shape, long.MaxValue, "a smaller batchSize or imageSize", nameof(batchSize));
        var reshuffle = shuffle ? new RandomGenerator(seed ?? Utils.Random.NextInt(1_000_000)) : null;
        return new ImageFolderBatches(paths, classes, classNamesFound, labelled ? labelMode : null, batchSize, shape, layout,
            cropToAspectRatio, interpolation, reshuffle, workers);
    }

    /// <summary>The images' height, width and channels, after checking the options that shape them.</summary>
    private static (int Height, int Width, int Channels) ImageShape(string caller, string colorMode, (int Height, int Width)? imageSize,
        string interpolation)
    {
        int channels = Channels(colorMode);
        if (interpolation is not ("bilinear" or "nearest"))
            throw new ArgumentException($"{caller}: interpolation '{interpolation}' is not supported; supported: bilinear, nearest.", nameof(interpolation));
        var (height, width) = imageSize ?? (256, 256);
        CheckSize((height, width), nameof(imageSize));
        return (height, width, channels);
    }

    /// <summary>A tensor for <paramref name="count"/> images of <paramref name="shape"/>, their axes in
    /// <paramref name="layout"/>'s order.</summary>
    internal static Tensor NewBatch(int count, (int Height, int Width, int Channels) shape, ImageLayout layout) =>
        new([count, .. layout.FromLast([shape.Height, shape.Width, shape.Channels])]);

    /// <summary>Refuses <paramref name="count"/> images whose float32 pixels would pass what one tensor holds or
    /// <paramref name="maxBytes"/>, naming <paramref name="parameter"/> and what to use instead.</summary>
    private static void CheckImagesFit(string caller, int count, (int Height, int Width, int Channels) shape, long maxBytes, string instead, string parameter)
    {
        var (height, width, channels) = shape;
        long values = (long)count * height * width * channels;
        if (values > Array.MaxLength || values * sizeof(float) > maxBytes)
            throw new ArgumentException($"{caller}: {count} images of {height} x {width} x {channels} make {values:N0} values, " +
                $"more than {(values > Array.MaxLength ? $"one tensor holds ({Array.MaxLength:N0})" : $"the {maxBytes:N0} bytes allowed")}; use {instead}.", parameter);
    }

    /// <summary>Decodes <paramref name="count"/> files from <paramref name="first"/> on into the rows of
    /// <paramref name="images"/> (<see cref="NewBatch"/>'s, in <paramref name="layout"/>), on every core, each resized
    /// channels-last as <c>tf.image.resize</c> does (after cutting smart_resize's central window when
    /// <paramref name="crop"/>), then written in the layout's order.</summary>
    internal static void DecodeInto(Tensor images, ImageLayout layout, IReadOnlyList<string> paths, int first, int count, bool crop, string interpolation)
    {
        var perSample = layout.ToLast(images.Shape[1..]);
        var (height, width, channels) = (perSample[0], perSample[1], perSample[2]);
        int size = height * width * channels;
        ImageFile.ForEach(count, i =>
        {
            var (pixels, h, w, _) = ImageFile.Decode(paths[first + i], channels);
            // The Resizing layer's own resize, without a layer (a layer built here would take a name from the user's session).
            var window = crop ? ImageWindow.AspectRatio(h, w, height, width) : new ImageWindow(0, 0, h, w);
            var resized = window.Cut(ToTensor(pixels, [1, h, w, channels]), height, width, bilinear: interpolation == "bilinear");
            layout.CopyFromLast(resized.Data.AsSpan(0, size), images.Data.AsSpan(i * size, size), channels);
        });
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
}

/// <summary>What <see cref="Images.DatasetFromDirectory"/> read: the images [n, height, width, channels] (0..255;
/// [n, channels, height, width] when read channels-first), their
/// labels (null without), the class names in label order, and each image's file, in sample order (Keras's
/// <c>class_names</c> and <c>file_paths</c>).</summary>
public sealed record LabeledImages(Tensor Images, Tensor? Labels, IReadOnlyList<string> ClassNames, IReadOnlyList<string> FilePaths);
