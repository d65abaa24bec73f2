using Nabla.Configuration;
using Nabla.Data;
using Nabla.Doctor;
using Nabla.Tests.TestSupport;
using StbImageWriteSharp;

namespace Nabla.Tests.Data;

/// <summary>
/// The image utilities' <c>dataFormat</c>, Keras's <c>data_format</c> (keras/src/utils/image_utils.py: img_to_array,
/// array_to_img, save_img; image_dataset_utils.py: image_dataset_from_directory, which resizes each image channels-last
/// and then moves its channels first): null follows <see cref="KerasConfig.ImageDataFormat"/>, "channels_first" gives
/// and takes the channels-last values transposed, an explicit value wins over the setting.
/// </summary>
[Collection(ImageDataFormatCollection.Name)]
public class ImagesDataFormatTests
{
    private const string First = KerasConfig.ChannelsFirst;
    private const string Last = KerasConfig.ChannelsLast;

    private static float[] Values(Tensor t) => t.Data.AsSpan(0, t.Size).ToArray();

    /// <summary>A channels-last image or batch with its channels moved first.</summary>
    private static Tensor MovedFirst(Tensor channelsLast) =>
        channelsLast.Rank == 3 ? Tensor.Transpose(channelsLast, 2, 0, 1) : Tensor.Transpose(channelsLast, 0, 3, 1, 2);

    private static byte[] Pixels(int seed, int count)
    {
        var pixels = new byte[count];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }

    /// <summary>An RGBA PNG of 6 rows and 8 columns, neither square nor of the targets' aspect ratio.</summary>
    private static string OnePng(TempFolder folder) =>
        TestImages.WritePng(folder.File("one.png"), Pixels(1, 6 * 8 * 4), width: 8, height: 6, ColorComponents.RedGreenBlueAlpha);

    /// <summary>Two classes of RGBA images of three sizes and one grey image, so reading them resizes, crops and
    /// converts colours.</summary>
    private static TempFolder MixedFolder()
    {
        var folder = new TempFolder();
        TestImages.WritePng(Path.Combine(folder.Path, "a", "1.png"), Pixels(2, 6 * 8 * 4), 8, 6, ColorComponents.RedGreenBlueAlpha);
        TestImages.WritePng(Path.Combine(folder.Path, "a", "2.png"), Pixels(3, 4 * 4 * 4), 4, 4, ColorComponents.RedGreenBlueAlpha);
        TestImages.WritePng(Path.Combine(folder.Path, "b", "3.png"), Pixels(4, 5 * 3 * 4), 3, 5, ColorComponents.RedGreenBlueAlpha);
        TestImages.WritePng(Path.Combine(folder.Path, "b", "4.png"), Pixels(5, 4 * 7), 7, 4, ColorComponents.Grey);
        return folder;
    }

    private static LabeledImages ReadMixed(string path, string colorMode = "rgb", bool crop = false, string? dataFormat = null) =>
        Images.DatasetFromDirectory(path, colorMode: colorMode, imageSize: (4, 5), shuffle: false, cropToAspectRatio: crop,
            dataFormat: dataFormat, verbose: false);

    private static ImageFolderBatches BatchesOfMixed(string path, string? dataFormat = null) =>
        Images.BatchesFromDirectory(path, batchSize: 3, imageSize: (4, 5), shuffle: false, dataFormat: dataFormat, verbose: false);

    [Fact]
    public void Without_a_data_format_every_image_utility_is_channels_last_as_kerass_default_setting()
    {
        using var folder = MixedFolder();
        Assert.Equal(Last, KerasConfig.ImageDataFormat);
        var image = Images.LoadImg(OnePng(folder));
        Assert.Equal([6, 8, 3], image.Shape);
        Images.SaveImg(folder.File("saved.png"), image, scale: false);
        Assert.Equal(Values(image), Values(Images.LoadImg(folder.File("saved.png"))));
        Assert.Equal([4, 4, 5, 3], ReadMixed(folder.Path).Images.Shape);
        Assert.Equal([3, 4, 5, 3], BatchesOfMixed(folder.Path).GetBatch(0).Inputs[0].Shape);
    }

    [Theory]
    [InlineData("rgb", false, false)]
    [InlineData("rgba", true, false)]
    [InlineData("grayscale", true, true)]
    [InlineData("rgb", true, true)]
    public void LoadImg_under_a_channels_first_setting_gives_the_channels_last_image_transposed_value_for_value(
        string colorMode, bool resize, bool keepAspectRatio)
    {
        using var folder = new TempFolder();
        string path = OnePng(folder);
        (int, int)? size = resize ? (3, 5) : null;
        var last = Images.LoadImg(path, colorMode, size, "bilinear", keepAspectRatio, dataFormat: Last);
        Tensor first = last;
        ImageDataFormatCollection.With(First, () => first = Images.LoadImg(path, colorMode, size, "bilinear", keepAspectRatio));
        Assert.Equal([last.Shape[2], last.Shape[0], last.Shape[1]], first.Shape);
        Assert.Equal(Values(MovedFirst(last)), Values(first));
    }

    [Theory]
    [InlineData("rgb", false)]
    [InlineData("rgb", true)]
    [InlineData("rgba", true)]
    [InlineData("grayscale", false)]
    public void DatasetFromDirectory_under_a_channels_first_setting_gives_the_channels_last_images_transposed_value_for_value(
        string colorMode, bool crop)
    {
        using var folder = MixedFolder();
        var last = ReadMixed(folder.Path, colorMode, crop, dataFormat: Last);
        LabeledImages first = last;
        ImageDataFormatCollection.With(First, () => first = ReadMixed(folder.Path, colorMode, crop));
        int channels = last.Images.Shape[3];
        Assert.Equal([4, channels, 4, 5], first.Images.Shape);
        Assert.Equal(Values(MovedFirst(last.Images)), Values(first.Images));
        Assert.Equal(Values(last.Labels!), Values(first.Labels!));
        Assert.Equal(last.FilePaths, first.FilePaths);
    }

    [Fact]
    public void BatchesFromDirectory_under_a_channels_first_setting_gives_each_batch_transposed_and_keeps_the_format_after_the_setting_changes()
    {
        using var folder = MixedFolder();
        ImageFolderBatches first = null!;
        ImageDataFormatCollection.With(First, () => first = BatchesOfMixed(folder.Path));
        Assert.Equal(Last, KerasConfig.ImageDataFormat);
        var last = BatchesOfMixed(folder.Path);
        var whole = ReadMixed(folder.Path, dataFormat: First);
        Assert.Equal(2, first.BatchCount);
        for (int b = 0; b < 2; b++)
        {
            var batch = first.GetBatch(b).Inputs[0];
            var channelsLast = last.GetBatch(b).Inputs[0];
            Assert.Equal([channelsLast.Shape[0], 3, 4, 5], batch.Shape);
            Assert.Equal(Values(MovedFirst(channelsLast)), Values(batch));
            Assert.Equal(whole.Images.Data.AsSpan(b * 3 * 60, batch.Size).ToArray(), Values(batch));
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(3, false)]
    [InlineData(4, false)]
    [InlineData(3, true)]
    public void SaveImg_under_a_channels_first_setting_writes_a_channels_first_image_as_its_channels_last_transpose(int channels, bool scale)
    {
        using var folder = new TempFolder();
        var channelsLast = Tensor.FromArray(Pixels(6, 5 * 6 * channels).Select(p => (float)p).ToArray(), [5, 6, channels]);
        ImageDataFormatCollection.With(First, () => Images.SaveImg(folder.File("first.png"), MovedFirst(channelsLast), scale: scale));
        Images.SaveImg(folder.File("last.png"), channelsLast, scale: scale, dataFormat: Last);
        string colorMode = channels switch { 1 => "grayscale", 3 => "rgb", _ => "rgba" };
        Assert.Equal(File.ReadAllBytes(folder.File("last.png")), File.ReadAllBytes(folder.File("first.png")));
        if (!scale) Assert.Equal(Values(channelsLast), Values(Images.LoadImg(folder.File("first.png"), colorMode, dataFormat: Last)));
    }

    [Fact]
    public void SaveImg_under_a_channels_first_setting_refuses_an_image_whose_first_axis_is_not_its_channels()
    {
        using var folder = new TempFolder();
        ImageDataFormatCollection.With(First, () =>
        {
            var e = Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.png"), new Tensor(5, 6, 3)));
            Assert.Equal("SaveImg: expected 1, 3 or 4 channels (axis 0 of a channels_first image); found 5. (Parameter 'image')", e.Message);
            e = Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.png"), new Tensor(5, 6)));
            Assert.Contains("expected one image [channels, height, width]", e.Message);
            e = Assert.Throws<ArgumentException>(() => Images.SaveImg(folder.File("a.png"), Tensor.Full(300f, 3, 2, 2), scale: false));
            Assert.Contains("found 300 at row 0, column 0, channel 0", e.Message);
        });
        Assert.False(File.Exists(folder.File("a.png")));
    }

    [Theory]
    [InlineData("rgb", "png")]
    [InlineData("rgba", "png")]
    [InlineData("grayscale", "bmp")]
    public void A_channels_first_round_trip_through_LoadImg_SaveImg_and_LoadImg_gives_the_same_pixels(string colorMode, string extension)
    {
        using var folder = new TempFolder();
        string path = OnePng(folder), copy = folder.File($"copy.{extension}");
        ImageDataFormatCollection.With(First, () =>
        {
            var loaded = Images.LoadImg(path, colorMode);
            Images.SaveImg(copy, loaded, scale: false);
            var again = Images.LoadImg(copy, colorMode);
            Assert.Equal(loaded.Shape, again.Shape);
            Assert.Equal(Values(loaded), Values(again));
        });
        Assert.Equal(Values(Images.LoadImg(path, colorMode)), Values(Images.LoadImg(copy, colorMode)));
    }

    [Fact]
    public void An_explicit_data_format_wins_over_the_setting_in_either_case()
    {
        using var folder = MixedFolder();
        string path = OnePng(folder);
        ImageDataFormatCollection.With(First, () =>
        {
            Assert.Equal([6, 8, 3], Images.LoadImg(path, dataFormat: Last).Shape);
            Assert.Equal([4, 4, 5, 3], ReadMixed(folder.Path, dataFormat: "Channels_Last").Images.Shape);
            Assert.Equal([3, 4, 5, 3], BatchesOfMixed(folder.Path, dataFormat: Last).GetBatch(0).Inputs[0].Shape);
            Images.SaveImg(folder.File("last.png"), Images.LoadImg(path, dataFormat: Last), scale: false, dataFormat: Last);
            Assert.Equal(Values(Images.LoadImg(path)), Values(Images.LoadImg(folder.File("last.png"))));
        });
        ImageDataFormatCollection.With(Last, () =>
        {
            Assert.Equal([3, 6, 8], Images.LoadImg(path, dataFormat: "CHANNELS_FIRST").Shape);
            Assert.Equal([4, 3, 4, 5], ReadMixed(folder.Path, dataFormat: First).Images.Shape);
            Assert.Equal([3, 3, 4, 5], BatchesOfMixed(folder.Path, dataFormat: First).GetBatch(0).Inputs[0].Shape);
            Images.SaveImg(folder.File("first.png"), Images.LoadImg(path, dataFormat: First), scale: false, dataFormat: First);
            Assert.Equal(Values(Images.LoadImg(path)), Values(Images.LoadImg(folder.File("first.png"))));
        });
    }

    [Theory]
    [InlineData("LoadImg")]
    [InlineData("SaveImg")]
    [InlineData("Images.DatasetFromDirectory")]
    [InlineData("Images.BatchesFromDirectory")]
    public void An_invalid_data_format_is_refused_naming_the_function_the_value_and_the_two_valid_names(string function)
    {
        using var folder = MixedFolder();
        string path = OnePng(folder), saved = folder.File("saved.png");
        Action call = function switch
        {
            "LoadImg" => () => Images.LoadImg(path, dataFormat: "NCHW"),
            "SaveImg" => () => Images.SaveImg(saved, new Tensor(4, 4, 3), dataFormat: "NCHW"),
            "Images.DatasetFromDirectory" => () => ReadMixed(folder.Path, dataFormat: "NCHW"),
            _ => () => BatchesOfMixed(folder.Path, dataFormat: "NCHW"),
        };
        var e = Assert.Throws<ArgumentException>(call);
        Assert.Equal($"{function}: 'data_format' must be \"channels_last\" or \"channels_first\", found \"NCHW\". (Parameter 'dataFormat')", e.Message);
        Assert.False(File.Exists(saved));
    }

    [Fact]
    public void An_experiment_files_image_folder_stays_channels_last_under_a_channels_first_setting()
    {
        using var folder = MixedFolder();
        string experiment = folder.WriteText("exp.json", """
            {"model": {"class_name": "Sequential", "config": {"layers": [
                {"class_name": "Flatten", "config": {"data_format": "channels_last", "batch_input_shape": [null, 4, 5, 3]}},
                {"class_name": "Dense", "config": {"units": 2, "activation": "softmax"}}]}},
             "compile": {"loss": "sparse_categorical_crossentropy"},
             "data": {"directory": {"path": ".", "image_size": [4, 5], "shuffle": false}}}
            """);
        ImageDataFormatCollection.With(First, () =>
        {
            var x = ExperimentFile.Load(experiment).X;
            Assert.Equal([4, 4, 5, 3], x.Shape);
            Assert.Equal(Values(ReadMixed(folder.Path, dataFormat: Last).Images), Values(x));
        });
    }
}
