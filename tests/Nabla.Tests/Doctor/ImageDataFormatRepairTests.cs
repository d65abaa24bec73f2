using Nabla.Configuration;
using Nabla.Doctor;
using Nabla.Tests.TestSupport;
using static Nabla.Tests.Doctor.CnnCases;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>The repairs that insert layers under Keras's global image data format: a BatchNormalization or Normalization
/// takes the channels axis of the model's own layers as they are built, never the setting's.</summary>
[Collection(ImageDataFormatCollection.Name)]
public class ImageDataFormatRepairTests
{
    private const string Last = "\"data_format\": \"channels_last\"";

    private static Experiment ChannelsLastCnn() => Make(
        [Conv2D(5, "sigmoid", inputs: Image).Replace("\"padding\"", Last + ", \"padding\""),
         Layer("MaxPooling2D", "\"pool_size\": [2, 2], " + Last), Layer("Flatten", Last), Dense(6, "sigmoid"), Dense(3, "softmax")],
        Optimizer("Adam", 1e-3), "categorical_crossentropy", Images(samples: 120), epochs: 1);

    private static Experiment Repaired(string fix, Experiment e) => Assert.NotNull(Repairs.Apply(fix, e, e.BuildModel())).Item1;

    private static Config LayerConfig(Experiment e, int index) => e.LayerConfigs()[index].GetConfig("config")!;

    [Fact]
    public void Add_batch_normalization_under_channels_first_keeps_a_channels_last_models_channels_axis()
    {
        ImageDataFormatCollection.With(KerasConfig.ChannelsFirst, () =>
        {
            var repaired = Repaired(FixCodes.AddBatchNormalization, ChannelsLastCnn());
            Assert.Equal("BatchNormalization", repaired.LayerConfigs()[1].GetString("class_name"));
            Assert.Equal(-1L, LayerConfig(repaired, 1)["axis"]);
            var model = repaired.BuildModel();
            Assert.Equal(5, model.Layers[1].Weights[0].Size); // one scale per filter, not per image row
            Assert.Equal([3], model.OutputShape!);
        });
    }

    [Fact]
    public void Normalize_inputs_under_channels_first_normalizes_a_channels_last_models_last_axis()
    {
        ImageDataFormatCollection.With(KerasConfig.ChannelsFirst, () =>
        {
            var e = ChannelsLastCnn();
            var x = GradientCheck.Random(4, -1, 1, 120, 8, 8, 1);
            var repaired = Repaired(FixCodes.NormalizeInputs, e with { X = x });
            var normalization = Assert.IsType<Nabla.Layers.Normalization>(repaired.BuildModel().Layers[0]);
            Assert.Equal(-1, normalization.Axis);
        });
    }
}
