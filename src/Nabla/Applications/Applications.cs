using System.Collections.Concurrent;
using System.Security.Cryptography;
using Nabla.Configuration;
using Nabla.Data;
using Nabla.Layers;

namespace Nabla;

/// <summary>
/// Keras's <c>keras.applications</c>: the published image classifiers, each built as Keras builds it, layer by layer with
/// Keras's layer names and defaults, so that the weights files Keras writes for them load with <see cref="Model.LoadWeights"/>.
/// Every builder takes Keras's arguments (<c>includeTop</c>, <c>weights</c>, <c>inputShape</c>, <c>pooling</c>,
/// <c>classes</c>, <c>classifierActivation</c>) with Keras's checks. Nabla downloads nothing: <c>weights: "imagenet"</c>
/// (Keras's default) reads the file Keras keeps in its cache, <see cref="KerasModelsFolder"/>, under the name Keras gives
/// it, and refuses, naming the file and where Keras fetches it, when it is not there, or when its hash is not the one
/// Keras's get_file checks that file against (a truncated or foreign file, which Keras would download again);
/// <c>weights: null</c> starts from Keras's initializers; any other string is the path of a weights file, read unchecked.
/// </summary>
public static partial class Applications
{
    /// <summary>Where Keras caches downloaded weights: <c>$KERAS_HOME/models</c>, else <c>~/.keras/models</c>
    /// (keras/src/utils/file_utils.py, get_file with cache_subdir "models").</summary>
    public static string KerasModelsFolder =>
        Path.Combine(Environment.GetEnvironmentVariable("KERAS_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".keras"), "models");

    /// <summary>The value of <c>weights</c> that asks for the ImageNet weights.</summary>
    public const string ImageNet = "imagenet";

    /// <summary>Keras's checks of <c>weights</c>, <c>classes</c> and <c>classifier_activation</c> (each application's
    /// opening lines and imagenet_utils.validate_activation), before anything is built; and the image data format
    /// (<see cref="RefuseChannelsFirst"/>).</summary>
    internal static void CheckArguments(string model, string? weights, bool includeTop, int classes, string? classifierActivation)
    {
        RefuseChannelsFirst(model);
        if (weights is not null && weights != ImageNet && !File.Exists(weights))
            throw new ArgumentException(
                $"{model}: 'weights' must be null (random initialization), \"{ImageNet}\" (pre-training on ImageNet) or the path of a " +
                $"weights file; found \"{weights}\", which is neither \"{ImageNet}\" nor an existing file.", nameof(weights));
        if (weights == ImageNet && includeTop && classes != 1000)
            throw new ArgumentException(
                $"{model}: with weights \"{ImageNet}\" and includeTop true, 'classes' must be 1000 (ImageNet's); found {classes}.", nameof(classes));
        if (includeTop && classes < 1)
            throw new ArgumentOutOfRangeException(nameof(classes), classes, $"{model}: 'classes' must be at least 1.");
        if (weights is not null && includeTop && classifierActivation is not (null or "softmax" or "linear"))
            throw new ArgumentException(
                $"{model}: with pretrained weights 'classifierActivation' must be null or \"softmax\" (the weights were trained under " +
                $"softmax); found \"{classifierActivation}\".", nameof(classifierActivation));
    }

    /// <summary>
    /// Keras builds its applications in <see cref="KerasConfig.ImageDataFormat"/>: channels-first, its input shape puts
    /// the channels first and its BatchNormalization, concatenation and reshape axes follow. These builders lay out
    /// channels-last models only, and their layers would take the channels-first setting, so they refuse it rather than
    /// build a model that fits neither layout.
    /// </summary>
    private static void RefuseChannelsFirst(string model)
    {
        if (KerasConfig.ImageDataFormat == KerasConfig.ChannelsFirst)
            throw new NotSupportedException(
                $"{model}: Nabla builds keras.applications models channels-last only, and KerasConfig.ImageDataFormat is " +
                $"\"{KerasConfig.ChannelsFirst}\"; set it to \"{KerasConfig.ChannelsLast}\" to build {model}.");
    }

    /// <summary>
    /// Keras's imagenet_utils.obtain_input_shape for channels-last images: the shape a model is built for, from the
    /// user's <paramref name="inputShape"/> (height, width, channels; −1 for an open size) or the model's default.
    /// </summary>
    /// <param name="requireFlatten">The classifier on top needs a fixed size (Keras passes include_top).</param>
    internal static int[] InputShape(string model, int[]? inputShape, int defaultSize, int minSize, bool requireFlatten, bool imagenet)
    {
        int[] defaultShape = !imagenet && inputShape is { Length: 3 } ? [defaultSize, defaultSize, inputShape[2]] : [defaultSize, defaultSize, 3];
        if (imagenet && requireFlatten)
        {
            if (inputShape is not null && !inputShape.SequenceEqual(defaultShape))
                throw new ArgumentException(
                    $"{model}: with includeTop true and weights \"{ImageNet}\", 'inputShape' must be {Tensor.ShapeString(defaultShape)}; " +
                    $"found {Layer.Describe(inputShape)}.", nameof(inputShape));
            return defaultShape;
        }
        if (inputShape is not null)
        {
            if (inputShape.Length != 3)
                throw new ArgumentException($"{model}: 'inputShape' must be three numbers (height, width, channels); found {Layer.Describe(inputShape)}.", nameof(inputShape));
            if (imagenet && inputShape[2] != 3)
                throw new ArgumentException($"{model}: with weights \"{ImageNet}\" the input must have 3 channels; found 'inputShape' {Layer.Describe(inputShape)}.", nameof(inputShape));
            if (inputShape[..2].Any(d => d != Layer.UnknownDimension && d < minSize))
                throw new ArgumentException($"{model}: the input must be at least {minSize}x{minSize}; found 'inputShape' {Layer.Describe(inputShape)}.", nameof(inputShape));
        }
        else inputShape = requireFlatten ? defaultShape : [Layer.UnknownDimension, Layer.UnknownDimension, 3];
        if (requireFlatten && inputShape.Contains(Layer.UnknownDimension))
            throw new ArgumentException($"{model}: with includeTop true, 'inputShape' must give every size; found {Layer.Describe(inputShape)}.", nameof(inputShape));
        return inputShape;
    }

    /// <summary>The model's image input: the caller's <paramref name="inputTensor"/> (Keras's <c>input_tensor</c>), whose
    /// shape must then pass the same checks, or a new one of the shape <see cref="InputShape"/> gives.</summary>
    internal static Input ImageInput(string model, Input? inputTensor, int[]? inputShape, int defaultSize, int minSize, bool includeTop, string? weights)
    {
        var shape = InputShape(model, inputShape ?? inputTensor?.Shape, defaultSize, minSize, includeTop, weights == ImageNet);
        if (inputTensor is null) return new Input(shape);
        if (!inputTensor.Shape.SequenceEqual(shape))
            throw new ArgumentException(
                $"{model}: 'inputTensor' has shape {Layer.Describe(inputTensor.Shape)} where 'inputShape' says {Layer.Describe(shape)}.", nameof(inputTensor));
        return inputTensor;
    }

    /// <summary>Keras's <c>pooling</c> when the classifier is left off: null keeps the last feature map, "avg" and "max"
    /// pool it globally into one vector per image.</summary>
    internal static SymbolicTensor Pool(string model, SymbolicTensor x, string? pooling, string? averageName = null, string? maxName = null) => pooling switch
    {
        null => x,
        "avg" => new GlobalAveragePooling2D(name: averageName).Apply(x),
        "max" => new GlobalMaxPooling2D(name: maxName).Apply(x),
        _ => throw new ArgumentException($"{model}: 'pooling' must be null, \"avg\" or \"max\"; found \"{pooling}\".", nameof(pooling)),
    };

    /// <summary>The classifier most families end with, global average pooling "avg_pool" then the dense "predictions";
    /// without it, Keras's <c>pooling</c>, named "avg_pool"/"max_pool" in the families whose Keras code names them.</summary>
    internal static SymbolicTensor AveragePoolClassifier(string model, SymbolicTensor x, bool includeTop, string? pooling, int classes,
        string? classifierActivation, bool namedPooling)
    {
        if (!includeTop) return namedPooling ? Pool(model, x, pooling, averageName: "avg_pool", maxName: "max_pool") : Pool(model, x, pooling);
        x = new GlobalAveragePooling2D(name: "avg_pool").Apply(x);
        return new Dense(classes, activation: classifierActivation, name: "predictions").Apply(x);
    }

    /// <summary>Keras's ImageNet file name for the families that keep Keras 2's naming:
    /// "&lt;family&gt;_weights_tf_dim_ordering_tf_kernels.h5", "..._notop.h5" without the top.</summary>
    internal static string KerasTwoImageNetFile(string family, bool includeTop) =>
        $"{family}_weights_tf_dim_ordering_tf_kernels{(includeTop ? "" : "_notop")}.h5";

    /// <summary>Loads <paramref name="weights"/> into the built model: nothing for null, the file Keras caches for
    /// "imagenet" (<paramref name="imageNetFile"/>, fetched by Keras from <paramref name="imageNetUrl"/>), else the path.
    /// The cached file must have the hash Keras's get_file is given for it, <paramref name="imageNetHash"/> (null where
    /// Keras passes none), so that a file Keras would refuse and download again is not read.</summary>
    internal static Model LoadWeights(Model model, string? weights, string imageNetFile, string imageNetUrl, string? imageNetHash)
    {
        if (weights is null) return model;
        string path = weights;
        if (weights == ImageNet)
        {
            path = Path.Combine(KerasModelsFolder, imageNetFile);
            if (!File.Exists(path))
                throw new FileNotFoundException(
                    $"{model.Name}: weights \"{ImageNet}\" reads Keras's cached file '{path}', which is not there. Nabla downloads no weights: " +
                    $"copy the file Keras downloads from {imageNetUrl} there (or set KERAS_HOME), pass its path as 'weights', or pass null " +
                    "to start from random weights.", path);
            CheckKerasHash(path, ImageNetHashesForTests.TryGetValue(path, out string? standIn) ? standIn : imageNetHash, imageNetUrl);
        }
        model.LoadWeights(path);
        return model;
    }

    /// <summary>
    /// Test-only: the hash expected of a file at a given path in place of Keras's, so that a test can stand a weights file
    /// of its own in for Keras's under Keras's name and still go through the check. Nothing in the library writes it;
    /// only Nabla.Tests does (InternalsVisibleTo), for paths in its temporary KERAS_HOME folders.
    /// </summary>
    internal static readonly ConcurrentDictionary<string, string> ImageNetHashesForTests = new(StringComparer.Ordinal);

    /// <summary>Keras's file_utils.validate_file with algorithm "auto": sha256 when <paramref name="expected"/> has 64
    /// hex digits, else md5, over the whole file read in chunks; a mismatch is a <see cref="DataFormatException"/> that
    /// says how to get Keras's file back. Nothing is checked when Keras gives no hash.</summary>
    private static void CheckKerasHash(string path, string? expected, string url)
    {
        if (expected is null) return;
        string algorithm = expected.Length == 64 ? "sha256" : "md5";
        string found;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan))
            found = Convert.ToHexStringLower(algorithm == "sha256" ? SHA256.HashData(stream) : MD5.HashData(stream));
        if (found == expected) return;
        throw DataFormatException.InFile(path,
            $"the {algorithm} hash Keras's get_file checks this cached ImageNet weights file against, {expected}",
            $"{algorithm} {found}: the file is incomplete or not Keras's. Delete it and let Keras download it again, or copy " +
            $"Keras's file from {url} in its place");
    }
}
