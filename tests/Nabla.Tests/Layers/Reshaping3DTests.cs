using Nabla.Configuration;
using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Layers;

/// <summary>UpSampling3D, ZeroPadding3D and Cropping3D: values against direct index arithmetic, gradients against
/// finite differences, Keras's config forms and defaults, and ONNX export.</summary>
public class Reshaping3DTests
{
    private const int D = 3, H = 4, W = 2, C = 2;

    private static Tensor Volume(int seed = 1) => GradientCheck.Random(seed, -1, 1, 2, D, H, W, C);

    private static float At(Tensor t, int n, int z, int y, int x, int c) =>
        t.Data[(((n * t.Shape[1] + z) * t.Shape[2] + y) * t.Shape[3] + x) * t.Shape[4] + c];

    private static Tensor Apply(Layer layer, Tensor x)
    {
        layer.Build(x.Shape[1..]);
        return layer.Call(x, training: false);
    }

    /// <summary>Checks every output cell against the input cell <paramref name="source"/> names (null: a zero).</summary>
    private static void AssertCells(Tensor x, Tensor y, Func<int, int, int, (int Z, int Y, int X)?> source)
    {
        for (int n = 0; n < y.Shape[0]; n++)
            for (int z = 0; z < y.Shape[1]; z++)
                for (int r = 0; r < y.Shape[2]; r++)
                    for (int col = 0; col < y.Shape[3]; col++)
                        for (int c = 0; c < y.Shape[4]; c++)
                        {
                            var cell = source(z, r, col);
                            Assert.Equal(cell is var (sz, sy, sx) ? At(x, n, sz, sy, sx, c) : 0f, At(y, n, z, r, col, c));
                        }
    }

    [Fact]
    public void UpSampling3DRepeatsEachAxis()
    {
        var x = Volume();
        var y = Apply(new UpSampling3D((2, 1, 3)), x);
        Assert.Equal([2, D * 2, H, W * 3, C], y.Shape);
        AssertCells(x, y, (z, r, c) => (z / 2, r, c / 3));
        GradientCheck.Check(t => new UpSampling3D((2, 3, 2)).Call(t[0], training: true), [Volume(2)]);
    }

    [Fact]
    public void ZeroPadding3DPlacesTheVolumeAmongZeros()
    {
        var x = Volume();
        var y = Apply(new ZeroPadding3D(((1, 2), (0, 1), (2, 0))), x);
        Assert.Equal([2, D + 3, H + 1, W + 2, C], y.Shape);
        AssertCells(x, y, (z, r, c) => z >= 1 && z < 1 + D && r < H && c >= 2 ? (z - 1, r, c - 2) : null);
        var layer = new ZeroPadding3D(((2, 1), (1, 0), (0, 1)));
        layer.Build([D, H, W, C]);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [Volume(3)]);
    }

    [Fact]
    public void Cropping3DKeepsTheInnerCells()
    {
        var x = Volume();
        var y = Apply(new Cropping3D(((1, 0), (1, 2), (0, 1))), x);
        Assert.Equal([2, D - 1, H - 3, W - 1, C], y.Shape);
        AssertCells(x, y, (z, r, c) => (z + 1, r + 1, c));
        var layer = new Cropping3D(((0, 1), (1, 1), (1, 0)));
        layer.Build([D, H, W, C]);
        GradientCheck.Check(t => layer.Call(t[0], training: true), [Volume(4)]);
        Assert.Throws<ArgumentException>(() => new Cropping3D((2, 0, 0)).ComputeOutputShape([4, 5, 5, 1]));
    }

    [Fact]
    public void KerasDefaultsAndConfigForms()
    {
        // keras/src/layers/reshaping/up_sampling3d.py: size=(2, 2, 2); zero_padding3d.py: padding=((1, 1), (1, 1), (1, 1));
        // cropping3d.py: cropping=((1, 1), (1, 1), (1, 1)); each writes its normalized tuples and data_format.
        var up = new UpSampling3D().GetConfig();
        Assert.Equal(new List<object?> { 2L, 2L, 2L }, up["size"]);
        Assert.Equal("channels_last", up["data_format"]);
        var ones = new List<object?> { new List<object?> { 1L, 1L }, new List<object?> { 1L, 1L }, new List<object?> { 1L, 1L } };
        Assert.Equal(ones, new ZeroPadding3D().GetConfig()["padding"]);
        Assert.Equal(ones, new Cropping3D().GetConfig()["cropping"]);

        static Layer Read(string json) => Layer.Deserialize(Config.Parse(json));
        Assert.Equal(new Padding3D(2, 2, 2, 2, 2, 2), ((ZeroPadding3D)Read("""{"class_name": "ZeroPadding3D", "config": {"padding": 2}}""")).Padding);
        Assert.Equal(new Padding3D(1, 1, 2, 2, 3, 3),
            ((ZeroPadding3D)Read("""{"class_name": "ZeroPadding3D", "config": {"padding": [1, 2, 3]}}""")).Padding);
        Assert.Equal(new Padding3D(0, 1, 2, 3, 4, 5),
            ((Cropping3D)Read("""{"class_name": "Cropping3D", "config": {"cropping": [[0, 1], [2, 3], [4, 5]]}}""")).Cropping);
        Assert.Equal(new Size3D(1, 2, 3), ((UpSampling3D)Read("""{"class_name": "UpSampling3D", "config": {"size": [1, 2, 3]}}""")).Size);
        Assert.Equal(new Size3D(3, 3, 3), ((UpSampling3D)Read("""{"class_name": "UpSampling3D", "config": {"size": 3}}""")).Size);

        foreach (var layer in new Layer[] { new UpSampling3D((1, 2, 3)), new ZeroPadding3D(((0, 1), (2, 3), (4, 5))), new Cropping3D((1, 0, 2)) })
        {
            var spec = Registry<Layer>.Serialize(layer).ToJsonString();
            Assert.Equal(spec, Registry<Layer>.Serialize(Layer.Deserialize(Config.Parse(spec))).ToJsonString());
        }

        var bad = Assert.Throws<ArgumentException>(() => Read("""{"class_name": "Cropping3D", "config": {"name": "k", "cropping": [[1, 1], [1, 1]]}}"""));
        Assert.Contains("Cropping3D 'k'", bad.Message);
        Assert.Contains("'cropping' must be an int, [depth, height, width] or [[front, back], [top, bottom], [left, right]]", bad.Message);
        var mixed = Assert.Throws<ArgumentException>(() => Read("""{"class_name": "ZeroPadding3D", "config": {"padding": [[1, 1], 2, 3]}}"""));
        Assert.Contains("'padding'", mixed.Message);
        var size = Assert.Throws<ArgumentException>(() => Read("""{"class_name": "UpSampling3D", "config": {"name": "u", "size": [2, 2]}}"""));
        Assert.Contains("UpSampling3D 'u': 'size' must hold 3 integer(s)", size.Message);
        Assert.Throws<ArgumentException>(() => new ZeroPadding3D(1, dataFormat: "channels_middle"));
    }

    [Fact]
    public void ExportedReshapingLayersMatchPredictInOnnxRuntime()
    {
        Utils.SetRandomSeed(9);
        var model = new Sequential(
            new ZeroPadding3D(((1, 0), (0, 2), (1, 1)), inputShape: [3, 4, 3, 2]),
            new UpSampling3D((2, 1, 2)),
            new Cropping3D(((1, 2), (0, 1), (2, 1))),
            new Conv3D(2, 2),
            new GlobalMaxPooling3D());
        Nabla.Tests.Serialization.OnnxRuntimeCheck.AssertMatchesPredict(model);
    }
}
