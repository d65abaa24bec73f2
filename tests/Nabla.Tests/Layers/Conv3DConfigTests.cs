using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>Keras config round trips, defaults and refusals of the 3-D convolution and pooling layers.</summary>
public class Conv3DConfigTests
{
    private static Layer FromJson(string json) => Layer.Deserialize(Config.Parse(json));

    private static List<object?> Longs(params long[] values) => values.Cast<object?>().ToList();

    public static TheoryData<Layer> Layers => new()
    {
        new Conv3D(16, (3, 5, 1), strides: (2, 1, 1), padding: "same", activation: "relu", useBias: false, kernelInitializer: "he_normal",
            kernelRegularizer: "l2", inputShape: [16, 28, 28, 1]),
        new Conv3D(4, 3, dilationRate: (2, 1, 2)),
        new MaxPooling3D(poolSize: (3, 2, 1), strides: 1, padding: "same"),
        new AveragePooling3D(),
        new GlobalAveragePooling3D(),
        new GlobalMaxPooling3D(keepdims: true),
        new UpSampling3D(),
        new ZeroPadding3D(),
        new Cropping3D(),
    };

    [Theory]
    [MemberData(nameof(Layers))]
    public void ConfigsRoundTrip(Layer layer) => ConvConfigTests.RoundTrip(layer);

    [Fact]
    public void Conv3DWritesKerasKeysAndDefaults()
    {
        // keras/src/layers/convolutional/conv3d.py: strides=(1, 1, 1), padding="valid", data_format=None,
        // dilation_rate=(1, 1, 1), groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
        // bias_initializer="zeros"; base_conv.py's get_config writes them in this order (data_format resolved to channels_last).
        var config = new Conv3D(8, 3).GetConfig();
        Assert.Equal(
            ["name", "trainable", "dtype", "filters", "kernel_size", "strides", "padding", "data_format", "dilation_rate", "groups",
             "activation", "use_bias", "kernel_initializer", "bias_initializer", "kernel_regularizer", "bias_regularizer",
             "activity_regularizer", "kernel_constraint", "bias_constraint"],
            config.Keys.Where(k => k is not ("batch_input_shape" or "batch_shape")).ToArray());
        Assert.Equal(Longs(3, 3, 3), config["kernel_size"]);
        Assert.Equal(Longs(1, 1, 1), config["strides"]);
        Assert.Equal(Longs(1, 1, 1), config["dilation_rate"]);
        Assert.Equal("valid", config["padding"]);
        Assert.Equal("channels_last", config["data_format"]);
        Assert.Equal(1L, config["groups"]);
        Assert.Equal("linear", config["activation"]);
        Assert.Equal(true, config["use_bias"]);
    }

    [Fact]
    public void PoolingWritesKerasKeysAndDefaults()
    {
        // keras/src/layers/pooling/max_pooling3d.py and average_pooling3d.py: pool_size=(2, 2, 2), strides=None
        // (Keras 3 writes the pool size), padding="valid".
        foreach (var pool in new Layer[] { new MaxPooling3D(), new AveragePooling3D() })
        {
            var config = pool.GetConfig();
            Assert.Equal(Longs(2, 2, 2), config["pool_size"]);
            Assert.Equal(Longs(2, 2, 2), config["strides"]);
            Assert.Equal("valid", config["padding"]);
            Assert.Equal("channels_last", config["data_format"]);
        }
        // keras/src/layers/pooling/global_average_pooling3d.py: keepdims=False.
        Assert.Equal(false, new GlobalAveragePooling3D().GetConfig()["keepdims"]);
        Assert.Equal(false, new GlobalMaxPooling3D().GetConfig()["keepdims"]);
    }

    [Fact]
    public void KerasConfigsLoadInEveryForm()
    {
        // Keras 3 lists; strides absent is 1 (conv) or the pool size (pooling).
        var conv = Assert.IsType<Conv3D>(FromJson("""
            {"class_name": "Conv3D", "config": {"name": "c", "filters": 64, "kernel_size": [3, 3, 3], "activation": "relu",
             "padding": "same", "data_format": "channels_last"}}
            """));
        Assert.Equal(new Size3D(3, 3, 3), conv.KernelSize);
        Assert.Equal(new Size3D(1, 1, 1), conv.Strides);
        Assert.Equal("same", conv.Padding);
        // Keras 2 / hand-written: plain ints and the Keras 1/2 alias.
        var alias = Assert.IsType<Conv3D>(FromJson("""{"class_name": "Convolution3D", "config": {"filters": 2, "kernel_size": 2, "strides": 2}}"""));
        Assert.Equal(new Size3D(2, 2, 2), alias.Strides);
        var pool = Assert.IsType<MaxPooling3D>(FromJson("""{"class_name": "MaxPool3D", "config": {"pool_size": [1, 2, 3]}}"""));
        Assert.Equal(new Size3D(1, 2, 3), pool.Strides);
        var avg = Assert.IsType<AveragePooling3D>(FromJson("""{"class_name": "AvgPool3D", "config": {"pool_size": 3, "strides": null}}"""));
        Assert.Equal(new Size3D(3, 3, 3), avg.Strides);
        Assert.IsType<GlobalAveragePooling3D>(FromJson("""{"class_name": "GlobalAvgPool3D", "config": {}}"""));
        Assert.True(Assert.IsType<GlobalMaxPooling3D>(FromJson("""{"class_name": "GlobalMaxPool3D", "config": {"keepdims": true}}""")).Keepdims);
    }

    [Fact]
    public void BadConfigsNameTheLayerTheKeyAndWhatWasFound()
    {
        var size = Assert.Throws<ArgumentException>(() => FromJson(
            """{"class_name": "Conv3D", "config": {"name": "c3", "filters": 2, "kernel_size": [3, 3]}}"""));
        Assert.Contains("Conv3D 'c3'", size.Message);
        Assert.Contains("'kernel_size' must hold 3 integer(s)", size.Message);
        Assert.Contains("found a list of 2", size.Message);
        var first = Assert.Throws<ArgumentException>(() => FromJson(
            """{"class_name": "Conv3D", "config": {"name": "c3", "filters": 2, "kernel_size": 3, "data_format": "NCDHW"}}"""));
        Assert.Contains("'data_format'", first.Message);
        Assert.Contains("must be \"channels_last\" or \"channels_first\", found \"NCDHW\"", first.Message);
        var groups = Assert.Throws<ArgumentException>(() => new Conv3D(4, 3, groups: 3));
        Assert.Contains("groups = 3, filters = 4", groups.Message);
        var causal = Assert.Throws<ArgumentException>(() => new Conv3D(4, 3, padding: "causal"));
        Assert.Contains("'padding' must be \"valid\" or \"same\"", causal.Message);
        var both = Assert.Throws<ArgumentException>(() => new Conv3D(4, 3, strides: (1, 1, 2), dilationRate: (2, 1, 1)));
        Assert.Contains("cannot both exceed 1", both.Message);
        var pool = Assert.Throws<ArgumentException>(() => FromJson(
            """{"class_name": "MaxPooling3D", "config": {"name": "p", "pool_size": [2, 2, 2, 2]}}"""));
        Assert.Contains("MaxPooling3D 'p'", pool.Message);
        Assert.Contains("'pool_size'", pool.Message);
        Assert.Throws<ArgumentException>(() => new MaxPooling3D(poolSize: (2, 0, 2)));
        var rank = Assert.Throws<ArgumentException>(() => new Conv3D(2, 3).ComputeOutputShape([8, 8, 1]));
        Assert.Contains("[batch, depth, height, width, channels]", rank.Message);
    }
}
