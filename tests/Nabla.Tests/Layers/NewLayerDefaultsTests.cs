using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>Keras 3's defaults for the layers a config may leave out, each read from a config holding only the required
/// keys, with the file the number comes from.</summary>
public class NewLayerDefaultsTests
{
    private static T Read<T>(string className, string requiredKeys) where T : Layer =>
        (T)Layer.Deserialize(Config.Parse($"{{\"class_name\": \"{className}\", \"config\": {{{requiredKeys}}}}}"));

    [Fact]
    public void Conv2DTransposeDefaults()
    {
        // keras/src/layers/convolutional/conv2d_transpose.py: strides=(1, 1), padding="valid", dilation_rate=(1, 1),
        // activation=None, use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros".
        var layer = Read<Conv2DTranspose>("Conv2DTranspose", "\"filters\": 2, \"kernel_size\": 3");
        Assert.Equal((new Size2D(1, 1), "valid", new Size2D(1, 1), "linear", true), (layer.Strides, layer.Padding, layer.DilationRate, layer.Activation.Name, layer.UseBias));
        Assert.Equal(("GlorotUniform", "Zeros"), (layer.KernelInitializer.ClassName, layer.BiasInitializer.ClassName));
    }

    [Fact]
    public void SeparableConv2DDefaults()
    {
        // keras/src/layers/convolutional/separable_conv2d.py: strides=(1, 1), padding="valid", depth_multiplier=1,
        // dilation_rate=(1, 1), use_bias=True, depthwise and pointwise initializers "glorot_uniform", bias "zeros".
        var layer = Read<SeparableConv2D>("SeparableConv2D", "\"filters\": 2, \"kernel_size\": 3");
        Assert.Equal((new Size2D(1, 1), "valid", 1, new Size2D(1, 1), true), (layer.Strides, layer.Padding, layer.DepthMultiplier, layer.DilationRate, layer.UseBias));
        Assert.Equal(("GlorotUniform", "GlorotUniform", "Zeros"),
            (layer.DepthwiseInitializer.ClassName, layer.PointwiseInitializer.ClassName, layer.BiasInitializer.ClassName));
    }

    [Fact]
    public void MultiHeadAttentionDefaults()
    {
        // keras/src/layers/attention/multi_head_attention.py: value_dim=None (key_dim), dropout=0.0, use_bias=True,
        // kernel_initializer="glorot_uniform", bias_initializer="zeros"; the scores are scaled by 1/sqrt(key_dim).
        var layer = Read<MultiHeadAttention>("MultiHeadAttention", "\"num_heads\": 2, \"key_dim\": 5");
        Assert.Equal((5, 0.0, true), (layer.ValueDim, layer.Dropout, layer.UseBias));
        Assert.Equal(("GlorotUniform", "Zeros"), (layer.KernelInitializer.ClassName, layer.BiasInitializer.ClassName));
    }

    [Fact]
    public void NoiseAndDropoutDefaults()
    {
        // spatial_dropout.py: SpatialDropout2D data_format=None, i.e. "channels_last"; dropout.py and gaussian_*.py: seed=None.
        Assert.Equal("channels_last", Read<SpatialDropout2D>("SpatialDropout2D", "\"rate\": 0.1").DataFormat);
        Assert.Null(Read<GaussianNoise>("GaussianNoise", "\"stddev\": 0.1").Seed);
        Assert.Null(Read<Dropout>("Dropout", "\"rate\": 0.1").NoiseShape);
    }
}
