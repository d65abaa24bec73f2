using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's global image data format (keras/src/backend/config.py: image_data_format, set_image_data_format,
/// standardize_data_format): a layer built without a data_format, or read from a config without one, takes the setting
/// of the moment it is built, keeps it and writes it; an explicit data_format wins; the default is channels_last.</summary>
[Collection(ImageDataFormatCollection.Name)]
public class ImageDataFormatTests
{
    private const string First = KerasConfig.ChannelsFirst;
    private const string Last = KerasConfig.ChannelsLast;

    /// <summary>Every layer class that takes Keras's data_format, with the least config it loads from.</summary>
    public static TheoryData<string, string> LayersWithADataFormat => new()
    {
        { "Conv1D", "\"filters\": 2, \"kernel_size\": 3" },
        { "Conv2D", "\"filters\": 2, \"kernel_size\": 3" },
        { "Conv3D", "\"filters\": 2, \"kernel_size\": 3" },
        { "Conv1DTranspose", "\"filters\": 2, \"kernel_size\": 3" },
        { "Conv2DTranspose", "\"filters\": 2, \"kernel_size\": 3" },
        { "Conv3DTranspose", "\"filters\": 2, \"kernel_size\": 3" },
        { "SeparableConv1D", "\"filters\": 2, \"kernel_size\": 3" },
        { "SeparableConv2D", "\"filters\": 2, \"kernel_size\": 3" },
        { "DepthwiseConv1D", "\"kernel_size\": 3" },
        { "DepthwiseConv2D", "\"kernel_size\": 3" },
        { "ConvLSTM1D", "\"filters\": 2, \"kernel_size\": 3" },
        { "ConvLSTM2D", "\"filters\": 2, \"kernel_size\": 3" },
        { "ConvLSTM3D", "\"filters\": 2, \"kernel_size\": 3" },
        { "MaxPooling1D", "" },
        { "MaxPooling2D", "" },
        { "MaxPooling3D", "" },
        { "AveragePooling1D", "" },
        { "AveragePooling2D", "" },
        { "AveragePooling3D", "" },
        { "GlobalAveragePooling1D", "" },
        { "GlobalAveragePooling2D", "" },
        { "GlobalAveragePooling3D", "" },
        { "GlobalMaxPooling1D", "" },
        { "GlobalMaxPooling2D", "" },
        { "GlobalMaxPooling3D", "" },
        { "ZeroPadding2D", "" },
        { "ZeroPadding3D", "" },
        { "Cropping2D", "" },
        { "Cropping3D", "" },
        { "UpSampling2D", "" },
        { "UpSampling3D", "" },
        { "Flatten", "" },
        { "SpatialDropout2D", "\"rate\": 0.2" },
        { "SpatialDropout3D", "\"rate\": 0.2" },
        { "Resizing", "\"height\": 2, \"width\": 2" },
        { "CenterCrop", "\"height\": 2, \"width\": 2" },
        { "RandomCrop", "\"height\": 2, \"width\": 2" },
        { "RandomFlip", "" },
        { "RandomRotation", "\"factor\": 0.1" },
        { "RandomZoom", "\"height_factor\": 0.1" },
        { "RandomTranslation", "\"height_factor\": 0.1, \"width_factor\": 0.1" },
        { "RandomShear", "\"x_factor\": 0.1" },
        { "RandomErasing", "" },
        { "RandomGrayscale", "" },
        { "RandomContrast", "\"factor\": 0.2" },
    };

    private static Layer Load(string className, string keys) =>
        Layer.Deserialize(Config.Parse($$$"""{"class_name": "{{{className}}}", "config": { {{{keys}}} }}"""));

    /// <summary>The data_format a layer's config gives, read back as a reader with the default setting reads it.</summary>
    private static string WrittenFormat(Layer layer) => layer.GetConfig().GetString("data_format", null) ?? Last;

    private static Tensor ToChannelsLast(Tensor images) => Tensor.Transpose(images, 0, 2, 3, 1);

    [Fact]
    public void The_setting_is_channels_last_until_a_program_changes_it()
    {
        Assert.Equal("channels_last", KerasConfig.ImageDataFormat);
        Assert.Equal(Last, new Conv2D(2, 3).DataFormat);
        Assert.Equal(Last, new SpatialDropout2D(0.1).DataFormat);
        Assert.Equal(Last, new Flatten().DataFormat);
    }

    [Fact]
    public void Under_channels_first_convolution_pooling_Flatten_and_spatial_dropout_built_without_a_data_format_take_the_channels_first()
    {
        ImageDataFormatCollection.With(First, () =>
        {
            Assert.Equal(First, KerasConfig.ImageDataFormat);
            var images = GradientCheck.Random(1, -1, 1, 2, 3, 8, 6); // [batch, channels 3, 8, 6]

            var conv = new Conv2D(4, 3);
            Assert.Equal([2, 4, 6, 4], conv.Call(images, training: false).Shape);
            var pool = new MaxPooling2D(2);
            Assert.Equal([2, 3, 4, 3], pool.Call(images, training: false).Shape);
            var flatten = new Flatten();
            var flat = flatten.Call(images, training: false);
            // Channels move last before flattening, so the features come in a channels-last model's order.
            Assert.Equal(new Flatten(dataFormat: Last).Call(ToChannelsLast(images), training: false).Data, flat.Data);
            var dropout = new SpatialDropout2D(0.5, seed: 3);
            var dropped = dropout.Call(GradientCheck.Random(2, 0.5, 1.5, 20, 3, 8, 6), training: true);
            for (int plane = 0; plane < 20 * 3; plane++) // each (sample, channel) plane of 8x6 is dropped or kept whole
                Assert.Single(dropped.Data.Skip(plane * 48).Take(48).Select(v => v == 0).Distinct());

            foreach (Layer layer in new Layer[] { conv, pool, flatten, dropout })
                Assert.Equal(First, layer.GetConfig()["data_format"]);
        });
    }

    [Fact]
    public void Layers_keep_the_format_they_were_built_with_when_the_setting_changes_later()
    {
        Layer[] built = [];
        ImageDataFormatCollection.With(First, () => built = [new Conv2D(2, 3), new MaxPooling2D(2), new Flatten(), new SpatialDropout2D(0.1)]);
        Assert.Equal(Last, KerasConfig.ImageDataFormat);
        foreach (var layer in built)
        {
            Assert.Equal(First, layer.GetConfig()["data_format"]);
            // Read back under channels_last, the written format still wins.
            Assert.Equal(First, WrittenFormat(Layer.Deserialize(new Config { ["class_name"] = layer.ClassName, ["config"] = layer.GetConfig() })));
        }
        Assert.Equal([2, 2, 6, 4], built[0].Call(GradientCheck.Random(4, -1, 1, 2, 3, 8, 6), training: false).Shape);
    }

    [Fact]
    public void An_explicit_data_format_wins_over_the_setting()
    {
        ImageDataFormatCollection.With(First, () =>
        {
            Assert.Equal(Last, new Conv2D(2, 3, dataFormat: Last).DataFormat);
            Assert.Equal(Last, new MaxPooling2D(2, dataFormat: Last).DataFormat);
            Assert.Equal(Last, new Flatten(dataFormat: Last).DataFormat);
            Assert.Equal(Last, new SpatialDropout2D(0.1, dataFormat: Last).DataFormat);
            Assert.Equal([2, 6, 4, 4], new Conv2D(4, 3, dataFormat: Last).Call(GradientCheck.Random(5, -1, 1, 2, 8, 6, 3), training: false).Shape);
            Assert.Equal(Last, WrittenFormat(Load("Conv2D", "\"filters\": 2, \"kernel_size\": 3, \"data_format\": \"channels_last\"")));
            // SpatialDropout1D takes no data_format in Keras: its sequences are always channels-last.
            Assert.Equal(Last, new SpatialDropout1D(0.1).DataFormat);
        });
        ImageDataFormatCollection.With(Last, () => Assert.Equal(First, new Conv2D(2, 3, dataFormat: First).DataFormat));
    }

    [Theory]
    [MemberData(nameof(LayersWithADataFormat))]
    public void A_config_without_a_data_format_follows_the_setting_when_it_is_read(string className, string keys)
    {
        ImageDataFormatCollection.With(First, () =>
        {
            var layer = Load(className, keys);
            Assert.Equal(First, layer.GetConfig()["data_format"]);
            Assert.Equal(First, WrittenFormat(Load(className, keys.Length == 0 ? "\"data_format\": null" : keys + ", \"data_format\": null")));
            // Read back under the default setting, the written format still wins.
            ImageDataFormatCollection.With(Last, () =>
                Assert.Equal(First, WrittenFormat(Layer.Deserialize(new Config { ["class_name"] = className, ["config"] = layer.GetConfig() }))));
        });
        Assert.Equal(Last, WrittenFormat(Load(className, keys)));
    }

    [Theory]
    [InlineData("RandomErasing", "")]
    [InlineData("RandomGrayscale", "")]
    [InlineData("RandomContrast", "\"factor\": 0.2")]
    public void A_layer_whose_Keras_config_leaves_the_data_format_out_writes_it_where_leaving_it_out_could_change_it(string className, string keys)
    {
        // Under the default setting a channels-last layer writes Keras's keys only.
        Assert.False(Load(className, keys).GetConfig().ContainsKey("data_format"));
        ImageDataFormatCollection.With(First, () =>
        {
            var last = Load(className, keys.Length == 0 ? "\"data_format\": \"channels_last\"" : keys + ", \"data_format\": \"channels_last\"");
            var config = last.GetConfig();
            Assert.Equal(Last, config["data_format"]);
            Assert.Equal(Last, Layer.Deserialize(new Config { ["class_name"] = className, ["config"] = config }).GetConfig()["data_format"]);
        });
    }

    [Fact]
    public void Random_contrast_takes_each_images_channel_means_on_the_axis_the_setting_names()
    {
        var images = GradientCheck.Random(6, 0, 255, 3, 2, 5, 4); // [batch, channels 2, 5, 4]
        Tensor contrasted = images;
        ImageDataFormatCollection.With(First, () => contrasted = new RandomContrast((0.6, 0.6), seed: 7).Call(images, training: true));
        var channelsLast = new RandomContrast((0.6, 0.6), seed: 7, dataFormat: Last).Call(ToChannelsLast(images), training: true);
        Assert.Equal(channelsLast.Data, ToChannelsLast(contrasted).Data); // the same op on the same values, moved
        Assert.NotEqual(images.Data, contrasted.Data);
    }

    [Theory]
    [InlineData("NCHW", "\"NCHW\"")]
    [InlineData("channels first", "\"channels first\"")]
    [InlineData(null, "null")]
    public void An_invalid_name_is_refused_naming_it_and_the_two_valid_ones_and_the_setting_stays_as_it_was(string? name, string found)
    {
        var set = Assert.Throws<ArgumentException>(() => KerasConfig.SetImageDataFormat(name!));
        Assert.Equal($"SetImageDataFormat: 'dataFormat' must be \"channels_last\" or \"channels_first\", found {found}. (Parameter 'dataFormat')", set.Message);
        var assigned = Assert.Throws<ArgumentException>(() => KerasConfig.ImageDataFormat = name!);
        Assert.Contains($"KerasConfig.ImageDataFormat must be \"channels_last\" or \"channels_first\", found {found}", assigned.Message);
        Assert.Equal(Last, KerasConfig.ImageDataFormat);
    }

    [Fact]
    public void A_name_in_another_case_is_read_as_Keras_reads_it_lowercased()
    {
        ImageDataFormatCollection.With(Last, () =>
        {
            KerasConfig.SetImageDataFormat("Channels_First");
            Assert.Equal(First, KerasConfig.ImageDataFormat);
            Assert.Equal(Last, new Conv2D(2, 3, dataFormat: "CHANNELS_LAST").DataFormat);
        });
    }

    [Fact]
    public void Setting_the_format_through_the_property_or_the_Keras_function_is_the_same()
    {
        ImageDataFormatCollection.With(Last, () =>
        {
            KerasConfig.ImageDataFormat = First;
            Assert.Equal(First, new Conv2D(2, 3).DataFormat);
            KerasConfig.SetImageDataFormat(Last);
            Assert.Equal(Last, KerasConfig.ImageDataFormat);
            Assert.Equal(Last, new Conv2D(2, 3).DataFormat);
        });
    }
}
