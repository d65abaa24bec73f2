using Nabla.Layers;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Recurrent;

public class EmbeddingTests
{
    [Fact]
    public void LooksUpRowsAndScattersGradientsBack()
    {
        var layer = new Embedding(5, 2);
        layer.Build([3]);
        for (int i = 0; i < 10; i++) layer.Embeddings.Data[i] = i;
        var y = layer.Call(Tensor.FromArray([4f, 0f, 4f, 1f, 2f, 3f], 2, 3), training: true);
        Assert.Equal([2, 3, 2], y.Shape);
        Assert.Equal([8f, 9f, 0f, 1f, 8f, 9f, 2f, 3f, 4f, 5f, 6f, 7f], y.ToArray());
    }

    [Fact]
    public void MatchesFiniteDifferencesWithRepeatedIndices()
    {
        var layer = new Embedding(4, 3);
        layer.Build([5]);
        var indices = Tensor.FromArray([1f, 3f, 1f, 0f, 1f, 2f, 2f, 3f, 0f, 1f], 2, 5);
        GradientCheck.Check(t => layer.Call(indices, training: true), [layer.Embeddings]);
    }

    [Theory]
    [InlineData(7f, "sample 1, position 2", "outside 0..4")]
    [InlineData(-1f, "sample 1, position 2", "outside 0..4")]
    [InlineData(1.5f, "sample 1, position 2", "not an integer")]
    public void RefusesABadIndexNamingSampleAndPosition(float bad, string where, string what)
    {
        var layer = new Embedding(5, 2, name: "words");
        var indices = Tensor.FromArray([0f, 1f, 2f, 3f, 4f, bad], 2, 3);
        var error = Assert.Throws<ArgumentException>(() => layer.Call(indices, training: false));
        Assert.Contains("words", error.Message);
        Assert.Contains(where, error.Message);
        Assert.Contains(what, error.Message);
    }
}
