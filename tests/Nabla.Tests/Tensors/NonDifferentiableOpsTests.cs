namespace Nabla.Tests.Tensors;

public class NonDifferentiableOpsTests
{
    [Fact]
    public void RoundsHalfToEvenLikeTfRound()
    {
        var x = Tensor.FromArray([0.5f, 1.5f, 2.5f, -0.5f, -1.7f, 2.2f], 6);
        Assert.Equal([0f, 2f, 2f, -0f, -2f, 2f], Tensor.Round(x).Data);
    }

    [Fact]
    public void FloorSignAndCast()
    {
        var x = Tensor.FromArray([-1.5f, -0f, 0.2f, 2.9f], 4);
        Assert.Equal([-2f, -0f, 0f, 2f], Tensor.Floor(x).Data);
        Assert.Equal([-1f, 0f, 1f, 1f], Tensor.Sign(x).Data);
        Assert.Equal([-1f, 0f, 0f, 2f], Tensor.ToLabels(x).Data); // truncation toward zero, as a float→int cast
        Assert.True(float.IsNaN(Tensor.Sign(Tensor.FromArray([float.NaN], 1)).Data[0]));
    }

    [Fact]
    public void ComparisonsGiveZeroOrOne()
    {
        var a = Tensor.FromArray([1f, 2f, 3f], 3);
        var b = Tensor.FromArray([2f, 2f, 2f], 3);
        Assert.Equal([0f, 0f, 1f], Tensor.Greater(a, b).Data);
        Assert.Equal([1f, 0f, 0f], Tensor.Less(a, b).Data);
        Assert.Equal([0f, 1f, 0f], Tensor.Equal(a, b).Data);
        Assert.Equal([0f, 1f, 0f], Tensor.Equal(a, Tensor.Scalar(2f)).Data);
    }

    [Fact]
    public void ArgMaxAlongAnyAxisTakesTheFirstOfTies()
    {
        var x = Tensor.FromArray([1f, 5f, 5f, 7f, 0f, 7f], 2, 3);
        var rows = Tensor.ArgMax(x);
        Assert.Equal([2], rows.Shape);
        Assert.Equal([1f, 0f], rows.Data);
        Assert.Equal([1f, 0f, 1f], Tensor.ArgMax(x, axis: 0).Data);
        var cube = Tensor.FromArray([0f, 9f, 3f, 1f, 4f, 2f, 8f, 5f], 2, 2, 2);
        Assert.Equal([1f, 0f, 1f, 1f], Tensor.ArgMax(cube, axis: 1).Data);
    }

    [Fact]
    public void BlockersReplayOnNewInputValues()
    {
        var x = new Tensor(3) { IsPlaceholder = true };
        var labels = Tensor.ArgMax(Tensor.Reshape(x, 1, 3));
        var graph = new Graph(labels);
        x.Data[2] = 1f;
        graph.Forward();
        Assert.Equal(2f, labels.Data[0]);
    }
}
