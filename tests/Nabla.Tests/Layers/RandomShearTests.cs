using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Serialization;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>
/// Keras 3.6+'s RandomShear (keras/src/layers/preprocessing/image_preprocessing/random_shear.py): per image a sign ±1
/// (probability ½ each) times draws sx from x_factor and sy from y_factor, and the map [[1, sx, 0], [sy, 1, 0]] with no
/// offset: the output pixel (x, y) reads the input at (x + sx·y, sy·x + y). Checked against values worked out by hand,
/// draw statistics, inference, seeds, finite differences, configs and .keras files.
/// </summary>
public class RandomShearTests
{
    private static float[] Image(Tensor images, int b)
    {
        int size = images.Size / images.Shape[0];
        return images.Data.AsSpan(b * size, size).ToArray();
    }

    [Fact]
    public void AWholePixelHorizontalShearShiftsRowYBySignTimesYPixels()
    {
        // x_factor (1, 1): sx = ±1, so row y reads columns x ± y; "constant" fills −1 where the read leaves the image.
        var rows = Enumerable.Range(0, 8).SelectMany(_ => Enumerable.Range(1, 12).Select(v => (float)v)).ToArray();
        var x = Tensor.FromArray(rows, 8, 3, 4, 1);
        float[] plus = [1, 2, 3, 4, /**/ 6, 7, 8, -1, /**/ 11, 12, -1, -1];
        float[] minus = [1, 2, 3, 4, /**/ -1, 5, 6, 7, /**/ -1, -1, 9, 10];
        var sheared = new RandomShear((1, 1), (0, 0), "nearest", "constant", -1, seed: 4).Call(x, training: true);
        int plusCount = 0, minusCount = 0;
        for (int b = 0; b < 8; b++)
        {
            var image = Image(sheared, b);
            if (image.SequenceEqual(plus)) plusCount++;
            else if (image.SequenceEqual(minus)) minusCount++;
            else Assert.Fail($"image {b}: [{string.Join(", ", image)}] is neither shear");
        }
        Assert.True(plusCount > 0 && minusCount > 0, $"{plusCount} sheared one way, {minusCount} the other");
    }

    [Fact]
    public void AHalfPixelVerticalShearReadsBilinearlyBetweenRows()
    {
        // y_factor (0.5, 0.5): column x reads rows y ± 0.5x; on [[1, 2, 3], [4, 5, 6], [7, 8, 9]] with fill 0, worked out by hand:
        // sy = 0.5: column 1 reads rows 0.5, 1.5, 2.5 → 3.5, 6.5, (8 + 0)/2; column 2 reads rows 1, 2, 3 → 6, 9, 0.
        float[] plus = [1, 3.5f, 6, /**/ 4, 6.5f, 9, /**/ 7, 4, 0];
        // sy = −0.5: column 1 reads rows −0.5, 0.5, 1.5 → (0 + 2)/2, 3.5, 6.5; column 2 reads rows −1, 0, 1 → 0, 3, 6.
        float[] minus = [1, 1, 0, /**/ 4, 3.5f, 3, /**/ 7, 6.5f, 6];
        var one = Enumerable.Range(1, 9).Select(v => (float)v).ToArray();
        var x = Tensor.FromArray(Enumerable.Range(0, 16).SelectMany(_ => one).ToArray(), 16, 3, 3, 1);
        var sheared = new RandomShear((0, 0), (0.5, 0.5), fillMode: "constant", seed: 2).Call(x, training: true);
        int plusCount = 0;
        for (int b = 0; b < 16; b++)
        {
            var image = Image(sheared, b);
            bool isPlus = image.Zip(plus).All(p => Math.Abs(p.First - p.Second) < 1e-5f);
            bool isMinus = image.Zip(minus).All(p => Math.Abs(p.First - p.Second) < 1e-5f);
            Assert.True(isPlus || isMinus, $"image {b}: [{string.Join(", ", image)}]");
            if (isPlus) plusCount++;
        }
        Assert.InRange(plusCount, 1, 15);
    }

    [Fact]
    public void AnyDrawMatchesTheAffineMapComputedApartUnderReflect()
    {
        // The test's own bilinear reads of (x + sx·y, sy·x + y) with TensorFlow's reflect (d c b a | a b c d | d c b a).
        var layer = new RandomShear((0.1, 0.4), (0.2, 0.3), seed: 9);
        var x = GradientCheck.Random(3, 0, 1, 1, 5, 6, 2);
        var rng = new RandomGenerator(11);
        var t = new float[6];
        layer.Draw(rng, 5, 6, t);
        var y = Op.Record(new ImageWarpOp(x, layer, new RandomGenerator(11), WarpFill.Reflect, bilinear: true, 0f));
        static double Reflect(double c, int n)
        {
            while (c < -0.5 || c > n - 0.5) c = c < -0.5 ? -1 - c : 2 * n - 1 - c;
            return Math.Clamp(c, 0, n - 1);
        }
        for (int oy = 0; oy < 5; oy++)
            for (int ox = 0; ox < 6; ox++)
            {
                double sx = Reflect(ox + t[1] * oy, 6), sy = Reflect(t[3] * ox + oy, 5);
                int c0 = (int)Math.Floor(sx), r0 = (int)Math.Floor(sy);
                double wx = sx - c0, wy = sy - r0;
                for (int c = 0; c < 2; c++)
                {
                    double At(int r, int col) => r < 5 && col < 6 ? x.Data[(r * 6 + col) * 2 + c] : 0;
                    double expected = (1 - wy) * ((1 - wx) * At(r0, c0) + wx * At(r0, c0 + 1)) + wy * ((1 - wx) * At(r0 + 1, c0) + wx * At(r0 + 1, c0 + 1));
                    Assert.Equal(expected, y.Data[(oy * 6 + ox) * 2 + c], 1e-5);
                }
            }
    }

    [Fact]
    public void EachImageDrawsOneSignForBothShearsAndUniformMagnitudes()
    {
        var layer = new RandomShear((0.2, 0.6), (0.1, 0.3));
        var rng = new RandomGenerator(5);
        var t = new float[6];
        int n = 4000, negative = 0;
        double sumX = 0, sumY = 0;
        for (int i = 0; i < n; i++)
        {
            layer.Draw(rng, 7, 9, t);
            Assert.Equal((1f, 0f, 1f, 0f), (t[0], t[2], t[4], t[5]));
            Assert.Equal(Math.Sign(t[1]), Math.Sign(t[3]));
            Assert.InRange(Math.Abs(t[1]), 0.2f, 0.6f);
            Assert.InRange(Math.Abs(t[3]), 0.1f, 0.3f);
            if (t[1] < 0) negative++;
            sumX += Math.Abs(t[1]);
            sumY += Math.Abs(t[3]);
        }
        Assert.InRange(negative / (double)n, 0.46, 0.54);
        Assert.InRange(sumX / n, 0.39, 0.41);
        Assert.InRange(sumY / n, 0.195, 0.205);
        // A number f: the range [−f, f], so the signed shear has mean 0 and |s| mean f/2.
        var symmetric = new RandomShear(0.5);
        Assert.Equal((-0.5, 0.5), symmetric.XFactor);
        Assert.Equal((0.0, 0.0), symmetric.YFactor);
        double mean = 0;
        for (int i = 0; i < n; i++)
        {
            symmetric.Draw(rng, 4, 4, t);
            Assert.InRange(t[1], -0.5f, 0.5f);
            Assert.Equal(0f, t[3]);
            mean += t[1];
        }
        Assert.InRange(mean / n, -0.02, 0.02);
    }

    [Fact]
    public void InInferenceAndWithoutFactorsItIsTheIdentityAndASeedRepeatsItsDraws()
    {
        var x = GradientCheck.Random(1, 0, 1, 3, 6, 5, 2);
        var layer = new RandomShear(0.3, 0.2, seed: 7);
        Assert.Same(x, layer.Call(x, training: false));
        Assert.Same(x, new RandomShear().Call(x, training: true)); // Keras's defaults x_factor = y_factor = 0.0
        var once = layer.Call(x, training: true);
        Assert.NotEqual(x.Data, once.Data);
        Assert.NotEqual(once.Data, layer.Call(x, training: true).Data); // a fresh draw each step
        Assert.Equal(once.Data, new RandomShear(0.3, 0.2, seed: 7).Call(x, training: true).Data);
        Assert.NotEqual(once.Data, new RandomShear(0.3, 0.2, seed: 8).Call(x, training: true).Data);
    }

    [Fact]
    public void TheShearMatchesFiniteDifferences()
    {
        var x = GradientCheck.Random(5, 0, 1, 2, 4, 5, 2);
        foreach (var fill in new[] { WarpFill.Reflect, WarpFill.Constant, WarpFill.Wrap, WarpFill.Nearest })
            GradientCheck.Check(t => Op.Record(new ImageWarpOp(t[0], new RandomShear(0.4, 0.3), new RandomGenerator(7), fill, bilinear: true, 0.5f)),
                [x], h: 1e-3);
        GradientCheck.Check(t => new RandomShear((0.2, 0.5), (0.1, 0.2), seed: 3).Call(t[0], training: true), [x], h: 1e-3);
    }

    [Fact]
    public void KerasConfigsLoadWithKerasDefaultsAndRoundTrip()
    {
        // random_shear.py __init__: x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect" (the docstring
        // says "constant"; the code's default is "reflect"), fill_value=0.0, seed=None.
        var plain = (RandomShear)Layer.Deserialize(Config.Parse("""{"class_name": "RandomShear", "config": {"name": "s"}}"""));
        Assert.Equal(((0.0, 0.0), (0.0, 0.0)), (plain.XFactor, plain.YFactor));
        Assert.Equal(("reflect", "bilinear", 0.0, (int?)null), (plain.FillMode, plain.Interpolation, plain.FillValue, plain.Seed));
        // A number f is the range (−f, f), as Keras writes it back; a pair is sorted.
        var numbers = (RandomShear)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomShear", "config": {"name": "s", "x_factor": 0.2, "y_factor": [0.3, 0.1], "seed": 4, "fill_mode": "constant", "fill_value": 2.5, "interpolation": "nearest"}}"""));
        Assert.Equal(((-0.2, 0.2), (0.1, 0.3)), (numbers.XFactor, numbers.YFactor));
        Assert.Equal(("constant", "nearest", 2.5, (int?)4), (numbers.FillMode, numbers.Interpolation, numbers.FillValue, numbers.Seed));
        var written = Registry<Layer>.Serialize(numbers);
        Assert.Contains("\"x_factor\":[-0.2,0.2]", written.ToJsonString().Replace(" ", ""));
        var keras = (RandomShear)Layer.Deserialize(Config.Parse(
            """{"class_name": "RandomShear", "config": {"name": "s", "x_factor": [-0.2, 0.2], "y_factor": [-0.0, 0.0], "data_format": "channels_last"}}"""));
        Assert.Equal(((-0.2, 0.2), (0.0, 0.0)), (keras.XFactor, keras.YFactor));
        foreach (var layer in new Layer[] { plain, numbers, keras, new RandomShear((0.1, 0.4), (0, 0.2), "nearest", "wrap", 0, seed: 3) })
        {
            var spec = Registry<Layer>.Serialize(layer);
            Assert.Equal(spec.ToJsonString(), Registry<Layer>.Serialize(Layer.Deserialize(spec)).ToJsonString());
        }
    }

    [Theory]
    [InlineData("\"x_factor\": 1.5", "x_factor")]
    [InlineData("\"x_factor\": -0.2", "x_factor")] // Keras checks a number against [0, 1] before taking its magnitude
    [InlineData("\"y_factor\": [0.2, 1.2]", "y_factor")]
    [InlineData("\"y_factor\": [-0.1, 0.3]", "y_factor")]
    [InlineData("\"x_factor\": [0.1, 0.2, 0.3]", "x_factor")]
    [InlineData("\"x_factor\": \"big\"", "x_factor")]
    [InlineData("\"x_factor\": null", "x_factor")]
    [InlineData("\"fill_mode\": \"mirror\"", "fill_mode")]
    [InlineData("\"interpolation\": \"bicubic\"", "interpolation")]
    [InlineData("\"data_format\": \"NCHW\"", "NCHW")]
    [InlineData("\"factor\": 0.1", "factor")] // Keras: "Layer RandomShear does not take a `factor` argument"
    public void BadConfigsAreRefusedByName(string keys, string named)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => Layer.Deserialize(Config.Parse(
            $"{{\"class_name\": \"RandomShear\", \"config\": {{\"name\": \"s\", {keys}}}}}")));
        Assert.Contains(named, error.Message);
    }

    [Fact]
    public void AModelWithAShearSavesAndLoadsAsKerasFileAndPredictsUnsheared()
    {
        Utils.SetRandomSeed(3);
        var input = new Input([6, 6, 1]);
        var shear = new RandomShear((0.1, 0.3), (0.0, 0.2), "nearest", "constant", 0.5, seed: 5);
        var model = new Model(input, new Dense(2).Apply(new Flatten().Apply(shear.Apply(input))));
        var x = GradientCheck.Random(4, 0, 1, 3, 6, 6, 1);
        string folder = Directory.CreateTempSubdirectory("nabla-shear-").FullName;
        try
        {
            model.Save(Path.Combine(folder, "model.keras"));
            var loaded = Model.Load(Path.Combine(folder, "model.keras"));
            var back = Assert.Single(loaded.Layers.OfType<RandomShear>());
            Assert.Equal((shear.XFactor, shear.YFactor, shear.Interpolation, shear.FillMode, shear.FillValue, shear.Seed),
                (back.XFactor, back.YFactor, back.Interpolation, back.FillMode, back.FillValue, back.Seed));
            Assert.Equal(model.Predict(x).Data, loaded.Predict(x).Data);
            Assert.Contains("\"class_name\":\"RandomShear\"", KerasModelJson.ToJson(loaded).Replace(" ", ""));
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
