using Nabla.Layers;
using Nabla.Configuration;
using Nabla.Serialization.Onnx;

namespace Nabla.Tests.Serialization;

/// <summary>What Export refuses, and that a refused export writes nothing.</summary>
public sealed class OnnxExportErrorTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-onnx-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private string PathOf(string name) => Path.Combine(folder, name);

    private void AssertNothingWritten() => Assert.Empty(Directory.GetFiles(folder));

    [Fact]
    public void UnbuiltModelIsRefusedAndNoFileIsLeft()
    {
        var model = new Sequential(new Dense(3));
        var e = Assert.Throws<InvalidOperationException>(() => model.Export(PathOf("m.onnx")));
        Assert.Contains("not built", e.Message);
        Assert.Contains(model.Name, e.Message);
        AssertNothingWritten();
    }

    [Fact]
    public void UnsupportedLayerIsNamedWithTheSupportedListAndNoFileIsLeft()
    {
        var model = new Sequential(new Dense(4, inputShape: [2]), new Doubler("twice"));
        var e = Assert.Throws<NotSupportedException>(() => model.Export(PathOf("m.onnx")));
        Assert.Contains("'twice'", e.Message);
        Assert.Contains("Doubler", e.Message);
        Assert.Contains("Dense", e.Message);
        Assert.Contains("BatchNormalization", e.Message);
        AssertNothingWritten();
    }

    [Fact]
    public void UnsupportedActivationIsNamedWithTheSupportedList()
    {
        var model = new Sequential(new Dense(4, new Cube(), true, Nabla.Initializers.Initializer.Get("ones"),
            Nabla.Initializers.Initializer.Get("zeros"), inputShape: [2], name: "cubed"));
        var e = Assert.Throws<NotSupportedException>(() => OnnxExport.ToBytes(model));
        Assert.Contains("'cubed'", e.Message);
        Assert.Contains("'cube'", e.Message);
        Assert.Contains("gelu", e.Message);
    }

    [Fact]
    public void UnknownFormatListsTheValidOnesAndLeavesAnExistingFileIntact()
    {
        var model = new Sequential(new Dense(1, inputShape: [2]));
        string path = PathOf("m.onnx");
        File.WriteAllText(path, "previous");
        var e = Assert.Throws<ArgumentException>(() => model.Export(path, format: "tf_saved_model"));
        Assert.Contains("tf_saved_model", e.Message);
        Assert.Contains("onnx", e.Message);
        Assert.Equal("format", e.ParamName);
        var layer = new Sequential(new Dense(1, inputShape: [2]), new Doubler("again"));
        Assert.Throws<NotSupportedException>(() => layer.Export(path));
        Assert.Equal("previous", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(folder)); // no temporary file left beside it
    }

    [Fact]
    public void NormalizationWithoutStatisticsIsRefused()
    {
        var model = new Sequential(new Normalization(inputShape: [3]), new Dense(1));
        var e = Assert.Throws<InvalidOperationException>(() => model.Export(PathOf("m.onnx")));
        Assert.Contains("Adapt", e.Message);
        AssertNothingWritten();
    }

    [Fact]
    public void ExportWritesTheSameBytesAsToBytes()
    {
        var model = new Sequential(new Dense(2, activation: "relu", inputShape: [3]));
        string path = PathOf("sub/m.onnx");
        model.Export(path, "ONNX");
        Assert.Equal(OnnxExport.ToBytes(model), File.ReadAllBytes(path));
    }

    /// <summary>A layer the exporter does not know.</summary>
    private sealed class Doubler(string name) : Layer(name, null)
    {
        public override string ClassName => "Doubler";
        public override int[] ComputeOutputShape(int[] inputShape) => inputShape;
        public override Tensor Call(Tensor inputs, bool training) => Tensor.Add(inputs, inputs);
    }

    /// <summary>An activation the exporter does not know.</summary>
    private sealed class Cube : Nabla.Activations.Activation
    {
        public override string Name => "cube";
        public override string ClassName => "Cube";
        public override void Forward(ReadOnlySpan<float> x, Span<float> y, int width)
        {
            for (int i = 0; i < y.Length; i++) y[i] = x[i] * x[i] * x[i];
        }
        public override void Backward(ReadOnlySpan<float> x, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int width)
        {
            for (int i = 0; i < dx.Length; i++) dx[i] = 3 * x[i] * x[i] * dy[i];
        }
    }
}
