using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>Keras's Resizing and CenterCrop (keras/src/layers/preprocessing/image_preprocessing: resizing.py, default
/// interpolation "bilinear", half-pixel centres without antialiasing; center_crop.py, the window at ((h − height) // 2,
/// (w − width) // 2)).</summary>
public class ResizingTests
{
    [Fact]
    public void NearestResizingReadsTheCellUnderEachOutputCentre()
    {
        // 4 columns to 3: centres at (o + ½)·4/3 = 0.67, 2, 3.33 read columns 0, 2, 3.
        var x = Tensor.FromArray([1, 2, 3, 4], 1, 1, 4, 1);
        Assert.Equal([1f, 3f, 4f], new Resizing(1, 3, "nearest").Call(x, training: false).Data);
        // Bilinear halving averages neighbouring pairs: centre (o + ½)·2 − ½ = 0.5 and 2.5.
        Assert.Equal([1.5f, 3.5f], new Resizing(1, 2).Call(x, training: false).Data);
    }

    [Fact]
    public void ResizingMatchesFiniteDifferencesAndTakesImagesOfUnknownSize()
    {
        var x = GradientCheck.Random(1, -1, 1, 2, 5, 3, 2);
        GradientCheck.Check(t => new Resizing(3, 7).Call(t[0], training: true), [x]);
        var images = new Input([Layer.UnknownDimension, Layer.UnknownDimension, 3]);
        var model = new Model(images, new Resizing(4, 4).Apply(images));
        Assert.Equal([4, 4, 3], model.OutputShape!);
        Assert.Equal([2, 4, 4, 3], model.Predict(GradientCheck.Random(2, 0, 1, 2, 9, 6, 3)).Shape);
    }

    [Fact]
    public void CenterCropTakesTheCentralWindowAndSmartResizesSmallerImages()
    {
        var x = Tensor.FromArray(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 1, 5, 6, 1);
        // (5 − 2) // 2 = 1 row down, (6 − 3) // 2 = 1 column in.
        Assert.Equal([7f, 8f, 9f, 13f, 14f, 15f], new CenterCrop(2, 3).Call(x, training: false).Data);
        // Smaller on one axis: keras/src/utils/image_utils.py smart_resize cuts the largest central window of the target's
        // aspect ratio, 5 × min(6, int(5·2/10) = 1) at column (6 − 1) // 2 = 2, and resizes it: output row o reads row (o + ½)/2 − ½ (at least 0) of 2, 8, 14, 20, 26.
        var tall = new CenterCrop(10, 2).Call(x, training: false);
        Assert.Equal([1, 10, 2, 1], tall.Shape);
        Assert.Equal(new Resizing(10, 2).Call(Tensor.Slice(x, [0, 0, 2, 0], [1, 5, 1, 1]), training: false).Data, tall.Data);
        Assert.Equal([2f, 2f, 3.5f, 3.5f, 6.5f, 6.5f], tall.Data[..6]);
    }

    [Theory]
    [InlineData("bilinear")]
    [InlineData("nearest")]
    public void CropToAspectRatioResizesTheLargestCentralWindowOfTheTargetsRatio(string interpolation)
    {
        var x = GradientCheck.Random(3, 0, 1, 2, 6, 9, 2);
        var layer = (Resizing)Layer.Deserialize(Config.Parse("""{"class_name": "Resizing", "config": {"name": "r", "height": 4, "width": 4, "interpolation": """
            + $"\"{interpolation}\"" + """, "crop_to_aspect_ratio": true}}"""));
        Assert.True(layer.CropToAspectRatio);
        // A square target from 6 × 9: keras/src/backend/tensorflow/image.py crops height min(6, int(9·4/4)) = 6 and width
        // min(9, int(6·4/4)) = 6, starting at column int((9 − 6) / 2) = 1, then resizes that window.
        var window = Tensor.Slice(x, [0, 0, 1, 0], [2, 6, 6, 2]);
        Assert.Equal(new Resizing(4, 4, interpolation).Call(window, training: false).Data, layer.Call(x, training: false).Data);
        Assert.Contains("\"crop_to_aspect_ratio\": true", Registry<Layer>.Serialize(layer).ToJsonString().Replace(":true", ": true"));
        if (interpolation == "bilinear") GradientCheck.Check(t => new Resizing(4, 2, cropToAspectRatio: true).Call(t[0], training: true), [GradientCheck.Random(4, -1, 1, 1, 5, 3, 1)]);
        var model = new Sequential(new Resizing(3, 5, interpolation, inputShape: [6, 4, 2], cropToAspectRatio: true), new Conv2D(2, 1));
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }

    [Theory]
    [InlineData("bilinear")]
    [InlineData("nearest")]
    public void PadToAspectRatioPadsWithTheFillValueBeforeResizing(string interpolation)
    {
        var x = GradientCheck.Random(5, 0, 1, 2, 3, 8, 2);
        var layer = (Resizing)Layer.Deserialize(Config.Parse("""{"class_name": "Resizing", "config": {"name": "r", "height": 4, "width": 4, "interpolation": """
            + $"\"{interpolation}\"" + """, "pad_to_aspect_ratio": true, "fill_value": 0.5}}"""));
        // keras/src/backend/tensorflow/image.py: pad_height = max(3, int(8·4/4)) = 8, so int((8 − 3) / 2) = 2 rows of
        // 0.5 above and below (7 rows in all), then the resize.
        var padded = Tensor.Full(0.5f, 2, 7, 8, 2);
        for (int n = 0; n < 2; n++)
            for (int i = 0; i < 3 * 8 * 2; i++) padded.Data[(n * 7 + 2) * 16 + i] = x.Data[n * 48 + i];
        Assert.Equal(new Resizing(4, 4, interpolation).Call(padded, training: false).Data, layer.Call(x, training: false).Data);
        var back = (Resizing)Layer.Deserialize(Registry<Layer>.Serialize(layer));
        Assert.Equal((true, 0.5f), (back.PadToAspectRatio, back.FillValue));
        if (interpolation == "bilinear")
            GradientCheck.Check(t => new Resizing(2, 4, padToAspectRatio: true).Call(t[0], training: true), [GradientCheck.Random(6, -1, 1, 1, 5, 3, 1)]);
        var model = new Sequential(new Resizing(3, 5, interpolation, inputShape: [6, 4, 2], padToAspectRatio: true, fillValue: 0.25f), new Conv2D(2, 1));
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }

    [Fact]
    public void ConfigsCarryKerasDefaultsAndRefuseWhatIsNotImplemented()
    {
        var resizing = (Resizing)Layer.Deserialize(Config.Parse("""{"class_name": "Resizing", "config": {"name": "r", "height": 72, "width": 64}}"""));
        Assert.Equal((72, 64, "bilinear"), (resizing.Height, resizing.Width, resizing.Interpolation));
        Assert.Equal(Registry<Layer>.Serialize(resizing).ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(Registry<Layer>.Serialize(resizing))).ToJsonString());
        var crop = (CenterCrop)Layer.Deserialize(Config.Parse("""{"class_name": "CenterCrop", "config": {"name": "c", "height": 8, "width": 8}}"""));
        Assert.Equal((8, 8), (crop.Height, crop.Width));
        // resizing.py: crop_to_aspect_ratio=False, pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0.
        Assert.Equal((false, false, 0f), (resizing.CropToAspectRatio, resizing.PadToAspectRatio, resizing.FillValue));
        Assert.Contains("'fill_mode' is 'reflect'", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Resizing", "config": {"name": "r", "height": 4, "width": 4, "pad_to_aspect_ratio": true, "fill_mode": "reflect"}}"""))).Message);
        Assert.Contains("cannot both be true", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Resizing", "config": {"name": "r", "height": 4, "width": 4, "pad_to_aspect_ratio": true, "crop_to_aspect_ratio": true}}"""))).Message);
        Assert.Contains("'interpolation' 'bicubic' is not supported", Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            """{"class_name": "Resizing", "config": {"name": "r", "height": 4, "width": 4, "interpolation": "bicubic"}}"""))).Message);
    }
}

/// <summary>Resizing, CenterCrop and UnitNormalization written as ONNX and run in ONNX Runtime against Predict.</summary>
public class ResizingOnnxTests
{
    [Theory]
    [InlineData(7, 5, "bilinear")]
    [InlineData(3, 2, "bilinear")]
    [InlineData(9, 4, "nearest")]
    [InlineData(3, 3, "nearest")]
    public void ResizingCenterCropAndUnitNormalizationMatchOnnxRuntime(int height, int width, string interpolation)
    {
        Utils.SetRandomSeed(6);
        var model = new Sequential(new Resizing(height, width, interpolation, inputShape: [6, 4, 2]),
            new CenterCrop(height - 1, width - 1), new UnitNormalization([1, 2]), new Conv2D(2, 1));
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model, low: 0f, high: 1f);
    }
}
