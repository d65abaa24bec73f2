using Nabla.Data;

namespace Nabla.Tests.Applications;

/// <summary>PreprocessInput and DecodePredictions as keras/src/applications/imagenet_utils.py defines them.</summary>
public class ImageNetUtilsTests
{
    private static readonly Tensor Pixel = Tensor.FromArray([10f, 20f, 30f, 255f, 0f, 127.5f], [1, 2, 3]);

    [Fact]
    public void Caffe_mode_turns_rgb_into_bgr_and_subtracts_imagenets_mean_pixel()
    {
        var y = Nabla.Applications.PreprocessInput(Pixel);
        // BGR means 103.939, 116.779, 123.68 (imagenet_utils._preprocess_numpy_input, mode "caffe").
        Assert.Equal([30 - 103.939f, 20 - 116.779f, 10 - 123.68f, 127.5f - 103.939f, 0 - 116.779f, 255 - 123.68f], y.Data, new FloatTolerance(1e-4f));
        Assert.Equal([10f, 20f, 30f, 255f, 0f, 127.5f], Pixel.Data);
    }

    [Fact]
    public void Tf_mode_scales_to_minus_one_one_and_torch_mode_standardizes_by_imagenets_statistics()
    {
        Assert.Equal([10 / 127.5f - 1, 20 / 127.5f - 1, 30 / 127.5f - 1, 1f, -1f, 0f], Nabla.Applications.PreprocessInput(Pixel, "tf").Data, new FloatTolerance(1e-6f));
        // Means 0.485, 0.456, 0.406 and deviations 0.229, 0.224, 0.225 of pixels scaled to [0, 1].
        var torch = Nabla.Applications.PreprocessInput(Pixel, "torch").Data;
        Assert.Equal((10 / 255f - 0.485f) / 0.229f, torch[0], 1e-5f);
        Assert.Equal((0 / 255f - 0.456f) / 0.224f, torch[4], 1e-5f);
        Assert.Equal((127.5f / 255f - 0.406f) / 0.225f, torch[5], 1e-5f);
        // "tf" takes any channel count (Keras scales every value); the other modes index three channels.
        Assert.Equal([2, 1], Nabla.Applications.PreprocessInput(Tensor.FromArray([0f, 255f], [1, 2, 1]), "tf").Shape[1..]);
    }

    [Fact]
    public void Unknown_modes_and_images_without_three_channels_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => Nabla.Applications.PreprocessInput(Pixel, "keras"));
        Assert.Contains("'mode' must be \"caffe\", \"tf\" or \"torch\"; found \"keras\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => Nabla.Applications.PreprocessInput(Tensor.FromArray(new float[4], [1, 2, 2])));
        Assert.Contains("with 3 channels; found shape [1, 2, 2]", e.Message);
    }

    private static string ClassIndex(Nabla.Tests.Data.TempFolder folder, Func<int, string>? entry = null)
    {
        string path = folder.File("imagenet_class_index.json");
        File.WriteAllText(path, "{" + string.Join(", ", Enumerable.Range(0, 1000).Select(i => $"\"{i}\": {(entry ?? (k => $"[\"n{k:D8}\", \"class_{k}\"]"))(i)}")) + "}");
        return path;
    }

    [Fact]
    public void Decode_predictions_lists_the_top_classes_best_first_with_ids_names_and_scores()
    {
        using var folder = new Nabla.Tests.Data.TempFolder();
        string path = ClassIndex(folder);
        var scores = new float[2000];
        scores[7] = 0.5f; scores[3] = 0.3f; scores[999] = 0.2f;
        scores[1000 + 42] = 0.9f;
        var decoded = Nabla.Applications.DecodePredictions(Tensor.FromArray(scores, [2, 1000]), top: 3, classIndexPath: path);
        Assert.Equal([("n00000007", "class_7", 0.5f), ("n00000003", "class_3", 0.3f), ("n00000999", "class_999", 0.2f)], decoded[0]);
        Assert.Equal(("n00000042", "class_42", 0.9f), decoded[1][0]);
        Assert.Equal(3, decoded[1].Count);
    }

    [Fact]
    public void Decode_predictions_refuses_other_shapes_a_missing_index_and_a_damaged_one()
    {
        using var folder = new Nabla.Tests.Data.TempFolder();
        var e = Assert.Throws<ArgumentException>(() => Nabla.Applications.DecodePredictions(Tensor.FromArray(new float[10], [1, 10])));
        Assert.Contains("shape (samples, 1000); found [1, 10]", e.Message);
        var missing = Assert.Throws<FileNotFoundException>(() => Nabla.Applications.DecodePredictions(Tensor.FromArray(new float[1000], [1, 1000]), classIndexPath: folder.File("none.json")));
        Assert.Contains("imagenet_class_index.json", missing.Message);
        string damaged = ClassIndex(folder, i => i == 500 ? "[\"n1\"]" : "[\"n0\", \"x\"]");
        var d = Assert.Throws<DataFormatException>(() => Nabla.Applications.DecodePredictions(Tensor.FromArray(new float[1000], [1, 1000]), classIndexPath: damaged));
        Assert.Contains("entry \"500\"", d.Message);
        Assert.Contains("[\"n1\"]", d.Message);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;
        public int GetHashCode(float value) => 0;
    }
}
