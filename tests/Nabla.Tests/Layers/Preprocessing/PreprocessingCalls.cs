using Nabla.Configuration;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>What the preprocessing layers' tests share: a call on hand-written values, and the refusal of a null key.</summary>
internal static class PreprocessingCalls
{
    /// <summary>The layer's output on <paramref name="values"/> of batch shape <paramref name="shape"/>.</summary>
    public static float[] Run(Layer layer, float[] values, params int[] shape) =>
        layer.Call(Tensor.FromArray(values, shape), training: false).Data;

    /// <summary>Loading <paramref name="json"/> is refused for its null <paramref name="key"/>, by name.</summary>
    public static void AssertRefusedNull(string json, string key)
    {
        var error = Assert.Throws<ArgumentException>(() => Layer.Deserialize(Config.Parse(json)));
        Assert.Contains($"'{key}'", error.Message);
        Assert.Contains("found null", error.Message);
    }
}
