using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>Keras options that change the math and that Nabla does not implement are refused by name when a layer
/// is read from its config, never ignored (one helper, Layer.RefuseUnsupported, for every layer).</summary>
public class UnsupportedConfigKeyTests
{
    [Theory]
    // keras/src/layers/core/dense.py and convolutional/base_conv.py: lora_rank enables LoRA (kernel frozen, two factors trained).
    [InlineData("""{"class_name": "Dense", "config": {"units": 2, "lora_rank": 4}}""", "lora_rank")]
    [InlineData("""{"class_name": "Conv2D", "config": {"filters": 2, "kernel_size": 3, "lora_rank": 4}}""", "lora_rank")]
    public void ANonNullUnsupportedOptionIsRefusedWithItsKey(string json, string key)
    {
        var e = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(json)));
        Assert.Contains($"'{key}'", e.Message);
        Assert.Contains("only null", e.Message);
    }

    [Fact]
    public void NullValuesAsKerasWritesThemAreAccepted()
    {
        var dense = (Dense)Layer.Deserialize(Config.Parse("""
            {"class_name": "Dense", "config": {"units": 4, "activity_regularizer": null, "kernel_constraint": null, "bias_constraint": null}}
            """));
        Assert.Equal(4, dense.Units);
        // What Dense writes, it reads back.
        var again = (Dense)Layer.Deserialize(Registry<Layer>.Serialize(dense));
        Assert.Equal(4, again.Units);
    }
}
