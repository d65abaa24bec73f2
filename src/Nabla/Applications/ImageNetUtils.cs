using System.Text.Json;
using Nabla.Data;
using Nabla.Layers;

namespace Nabla;

public static partial class Applications
{
    // keras/src/applications/imagenet_utils.py: ImageNet's channel means, in BGR order for "caffe" and RGB for "torch".
    private static readonly float[] CaffeMeanBgr = [103.939f, 116.779f, 123.68f];
    private static readonly float[] TorchMean = [0.485f, 0.456f, 0.406f];
    private static readonly float[] TorchStd = [0.229f, 0.224f, 0.225f];

    /// <summary>
    /// Keras's <c>imagenet_utils.preprocess_input</c> on images with values in [0, 255], returned as a new tensor (Keras
    /// writes over a NumPy input): "caffe" turns RGB into BGR and subtracts ImageNet's mean pixel (VGG, ResNet), "tf"
    /// scales to [−1, 1] (MobileNet, MobileNetV2, Xception, InceptionV3), "torch" scales to [0, 1] and standardizes each
    /// channel by ImageNet's mean and deviation (DenseNet). EfficientNet's models take raw pixels and normalize inside.
    /// <paramref name="dataFormat"/> says where the channels are, as Keras's argument: "channels_last" (height, width,
    /// channels), "channels_first" (channels, height, width; the second axis of a batch), or null for
    /// <see cref="Nabla.Configuration.KerasConfig.ImageDataFormat"/>.
    /// </summary>
    public static Tensor PreprocessInput(Tensor images, string mode = "caffe", string? dataFormat = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (mode is not ("caffe" or "tf" or "torch"))
            throw new ArgumentException($"PreprocessInput: 'mode' must be \"caffe\", \"tf\" or \"torch\"; found \"{mode}\".", nameof(mode));
        var layout = ImageLayout.Parse("PreprocessInput", dataFormat);
        // Keras's channels-first axis: the first of one image, the second of a batch.
        int axis = !layout.ChannelsFirst ? images.Rank - 1 : images.Rank == 3 ? 0 : 1;
        if (images.Rank < 3 || (mode != "tf" && images.Shape[axis] != 3))
            throw new ArgumentException(
                $"PreprocessInput: expected {layout.Name} images {(layout.ChannelsFirst ? "(channels, height, width)" : "(height, width, channels)")} " +
                $"or a batch of them{(mode == "tf" ? "" : ", with 3 channels")}; found shape {Tensor.ShapeString(images.Shape)}.", nameof(images));
        var x = images.Data;
        var y = new float[x.Length];
        int channels = images.Shape[axis];
        int stride = images.Shape[(axis + 1)..].Aggregate(1, (product, d) => product * d);
        for (int i = 0; i < x.Length; i++)
        {
            int c = i / stride % channels;
            y[i] = mode switch
            {
                "tf" => x[i] / 127.5f - 1f,
                "torch" => (x[i] / 255f - TorchMean[c]) / TorchStd[c],
                _ => x[i + (2 - 2 * c) * stride] - CaffeMeanBgr[c],
            };
        }
        return Tensor.FromArray(y, images.Shape);
    }

    /// <summary>The file Keras caches ImageNet's class names in (imagenet_utils.CLASS_INDEX_PATH).</summary>
    public const string ImageNetClassIndexFile = "imagenet_class_index.json";

    /// <summary>
    /// Keras's <c>decode_predictions</c>: for each row of a (samples, 1000) prediction, the <paramref name="top"/> classes
    /// as (WordNet id, name, score), best first. The class names come from Keras's cached <c>imagenet_class_index.json</c>
    /// in <see cref="KerasModelsFolder"/> (Nabla downloads nothing; <paramref name="classIndexPath"/> names another copy).
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<(string Id, string Name, float Score)>> DecodePredictions(Tensor predictions, int top = 5, string? classIndexPath = null)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        if (predictions.Rank != 2 || predictions.Shape[1] != 1000)
            throw new ArgumentException($"DecodePredictions: expected a batch of ImageNet predictions, shape (samples, 1000); found {Tensor.ShapeString(predictions.Shape)}.", nameof(predictions));
        if (top < 1) throw new ArgumentOutOfRangeException(nameof(top), top, "DecodePredictions: 'top' must be at least 1.");
        var names = ClassIndex(classIndexPath ?? Path.Combine(KerasModelsFolder, ImageNetClassIndexFile));
        var rows = new List<IReadOnlyList<(string, string, float)>>();
        var scores = predictions.Data;
        for (int r = 0; r < predictions.Shape[0]; r++)
        {
            var row = scores.AsSpan(r * 1000, 1000).ToArray();
            rows.Add(Enumerable.Range(0, 1000).OrderByDescending(i => row[i]).ThenBy(i => i).Take(Math.Min(top, 1000))
                .Select(i => (names[i].Id, names[i].Name, row[i])).ToList());
        }
        return rows;
    }

    /// <summary>The 1000 (id, name) pairs of Keras's class index: {"0": ["n01440764", "tench"], ...}.</summary>
    private static (string Id, string Name)[] ClassIndex(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"DecodePredictions reads ImageNet's class names from '{path}', which is not there. Nabla downloads nothing: copy the file Keras " +
                "downloads from https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json there, or pass its path.", path);
        var names = new (string, string)[1000];
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw DataFormatException.AtField(path, "the top level", "an object keyed by class number", document.RootElement.ValueKind.ToString());
            for (int i = 0; i < 1000; i++)
            {
                if (!document.RootElement.TryGetProperty(i.ToString(System.Globalization.CultureInfo.InvariantCulture), out var entry)
                    || entry.ValueKind != JsonValueKind.Array || entry.GetArrayLength() != 2
                    || entry[0].ValueKind != JsonValueKind.String || entry[1].ValueKind != JsonValueKind.String)
                    throw DataFormatException.AtField(path, $"entry \"{i}\"", "a pair of strings [WordNet id, class name]",
                        document.RootElement.TryGetProperty(i.ToString(System.Globalization.CultureInfo.InvariantCulture), out var found) ? found.GetRawText() : "nothing");
                names[i] = (entry[0].GetString()!, entry[1].GetString()!);
            }
        }
        catch (JsonException e)
        {
            throw DataFormatException.AtField(path, $"line {e.LineNumber + 1}", "JSON", e.Message, e);
        }
        return names;
    }
}
