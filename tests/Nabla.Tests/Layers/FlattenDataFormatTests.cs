using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Flatten's data_format (keras/src/layers/reshaping/flatten.py): "channels_first" moves the channels (axis 1)
/// last before flattening an input of rank 3 or more; rank 2 and "channels_last" flatten as they are.</summary>
public class FlattenDataFormatTests
{
    [Fact]
    public void ChannelsFirstMovesTheChannelsLastBeforeFlattening()
    {
        var flatten = (Flatten)Layer.Deserialize(Config.Parse(
            """{"class_name": "Flatten", "config": {"name": "f", "data_format": "channels_first"}}"""));
        var x = GradientCheck.Random(1, -1, 1, 2, 3, 4, 5); // [batch, channels 3, 4, 5]
        var y = flatten.Call(x, training: false);
        Assert.Equal([2, 60], y.Shape);
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 5; j++)
                    for (int c = 0; c < 3; c++)
                        Assert.Equal(x.Data[((b * 3 + c) * 4 + i) * 5 + j], y.Data[b * 60 + (i * 5 + j) * 3 + c]);
        Assert.Equal("channels_first", flatten.GetConfig()["data_format"]);
        var vector = GradientCheck.Random(2, -1, 1, 2, 7);
        Assert.Equal(vector.Data, new Flatten(dataFormat: "channels_first").Call(vector, training: false).Data);
    }

    [Fact]
    public void KerasDefaultAndRefusals()
    {
        // flatten.py: data_format=None resolves to keras.json's image_data_format, "channels_last" unless changed.
        Assert.Equal("channels_last", ((Flatten)Layer.Deserialize(Config.Parse(
            """{"class_name": "Flatten", "config": {"data_format": null}}"""))).DataFormat);
        Assert.Contains("data_format", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Flatten", "config": {"data_format": "channels_middle"}}"""))).Message);
    }

    [Fact]
    public void ItsGradientAndItsOnnxExportFollowTheSameOrder()
    {
        var flatten = new Flatten(dataFormat: "channels_first");
        GradientCheck.Check(t => flatten.Call(t[0], training: true), [GradientCheck.Random(3, -1, 1, 2, 3, 2, 2)]);
        Utils.SetRandomSeed(4);
        var model = new Sequential(new Flatten(inputShape: [3, 4, 2], dataFormat: "channels_first"), new Dense(3));
        Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
    }
}
