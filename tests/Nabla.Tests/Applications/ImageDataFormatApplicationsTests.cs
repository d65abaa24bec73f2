using Nabla.Configuration;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>keras.applications under Keras's global image data format: Keras builds its models channels-first when the
/// setting says so (keras/src/applications/*.py read backend.image_data_format() for the input shape and the
/// BatchNormalization and concatenation axes); Nabla's builders lay out channels-last models only and refuse the setting.
/// imagenet_utils.preprocess_input finds the channels where its data_format, or the setting, puts them.</summary>
[Collection(ImageDataFormatCollection.Name)]
public class ImageDataFormatApplicationsTests
{
    private static Model Build(string application) => application switch
    {
        "ResNet50" => Nabla.Applications.ResNet50(weights: null),
        "ResNet50V2" => Nabla.Applications.ResNet50V2(weights: null),
        "VGG16" => Nabla.Applications.VGG16(weights: null),
        "DenseNet121" => Nabla.Applications.DenseNet121(weights: null),
        "EfficientNetB0" => Nabla.Applications.EfficientNetB0(weights: null),
        "InceptionV3" => Nabla.Applications.InceptionV3(weights: null),
        "MobileNet" => Nabla.Applications.MobileNet(weights: null),
        "MobileNetV2" => Nabla.Applications.MobileNetV2(weights: null),
        "Xception" => Nabla.Applications.Xception(weights: null),
        _ => throw new ArgumentException(application),
    };

    [Theory]
    [InlineData("ResNet50")]
    [InlineData("ResNet50V2")]
    [InlineData("VGG16")]
    [InlineData("DenseNet121")]
    [InlineData("EfficientNetB0")]
    [InlineData("InceptionV3")]
    [InlineData("MobileNet")]
    [InlineData("MobileNetV2")]
    [InlineData("Xception")]
    public void Every_application_refuses_channels_first_naming_itself_and_the_setting(string application)
    {
        ImageDataFormatCollection.With(KerasConfig.ChannelsFirst, () =>
        {
            var refused = Assert.Throws<NotSupportedException>(() => Build(application));
            Assert.Equal(
                $"{application}: Nabla builds keras.applications models channels-last only, and KerasConfig.ImageDataFormat is \"channels_first\"; " +
                $"set it to \"channels_last\" to build {application}.", refused.Message);
        });
    }

    [Fact]
    public void A_model_built_under_channels_last_stays_channels_last_when_the_setting_changes()
    {
        var model = Nabla.Applications.VGG16(weights: null, includeTop: false, inputShape: [32, 32, 3]);
        ImageDataFormatCollection.With(KerasConfig.ChannelsFirst, () =>
            Assert.Equal([1, 1, 512], model.Predict(new Tensor(1, 32, 32, 3)).Shape[1..]));
    }

    // One RGB image of 1x2 pixels, channels-last [1, 2, 3] and channels-first [3, 1, 2].
    private static readonly Tensor PixelsLast = Tensor.FromArray([10f, 20f, 30f, 255f, 0f, 127.5f], [1, 2, 3]);
    private static readonly Tensor PixelsFirst = Tensor.FromArray([10f, 255f, 20f, 0f, 30f, 127.5f], [3, 1, 2]);

    [Theory]
    [InlineData("caffe")]
    [InlineData("torch")]
    [InlineData("tf")]
    public void Preprocess_input_finds_the_channels_where_the_setting_puts_them(string mode)
    {
        var last = Nabla.Applications.PreprocessInput(PixelsLast, mode);
        var expected = Tensor.Transpose(last, 2, 0, 1).Data;
        ImageDataFormatCollection.With(KerasConfig.ChannelsFirst, () =>
        {
            // One image (channels, height, width): its first axis; a batch: its second.
            Assert.Equal(expected, Nabla.Applications.PreprocessInput(PixelsFirst, mode).Data);
            Assert.Equal(expected, Nabla.Applications.PreprocessInput(Tensor.Reshape(PixelsFirst, [1, 3, 1, 2]), mode).Data);
            // An explicit data_format wins over the setting.
            Assert.Equal(last.Data, Nabla.Applications.PreprocessInput(PixelsLast, mode, dataFormat: KerasConfig.ChannelsLast).Data);
        });
        Assert.Equal(expected, Nabla.Applications.PreprocessInput(PixelsFirst, mode, KerasConfig.ChannelsFirst).Data);
    }

    [Fact]
    public void Preprocess_input_refuses_channels_first_images_without_three_channels()
    {
        var refused = Assert.Throws<ArgumentException>(() => Nabla.Applications.PreprocessInput(new Tensor(1, 2, 3, 3), "caffe", KerasConfig.ChannelsFirst));
        Assert.Contains("expected channels_first images (channels, height, width) or a batch of them, with 3 channels; found shape [1, 2, 3, 3]", refused.Message);
        var format = Assert.Throws<ArgumentException>(() => Nabla.Applications.PreprocessInput(PixelsLast, "caffe", "NHWC"));
        Assert.Contains("PreprocessInput: 'data_format' must be \"channels_last\" or \"channels_first\", found \"NHWC\"", format.Message);
    }
}
