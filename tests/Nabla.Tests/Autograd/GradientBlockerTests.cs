namespace Nabla.Tests.Autograd;

public class GradientBlockerTests
{
    private static Tensor Weight() => Tensor.FromArray([0.3f, -0.7f, 1.2f, 0.4f, -0.2f, 0.9f], 3, 2).RequireGrad();

    private static readonly Tensor X = Tensor.FromArray([1f, 2f, -1f, 0.5f, 0f, 3f], 2, 3);

    [Fact]
    public void AWeightUsedOnlyThroughRoundGetsNoGradientWhileOthersDo()
    {
        var w = Weight();
        var v = Tensor.FromArray([0.5f, -1f], 2).RequireGrad();
        var loss = Tensor.Sum(Tensor.Round(Tensor.MatMul(X, w))) + Tensor.Sum(v * v);
        var graph = loss.Backward();
        Assert.Null(w.Grad);
        Assert.False(graph.Reaches(w));
        Assert.Equal([1f, -2f], v.Grad!.Data);
        Assert.Equal(["round"], graph.BlockersOf(w).Select(op => op.Name));
        Assert.Empty(graph.BlockersOf(v));
    }

    [Fact]
    public void AWeightUsedOnlyThroughArgMaxGetsNoGradient()
    {
        var w = Weight();
        var v = Tensor.FromArray([2f], 1).RequireGrad();
        var loss = Tensor.Mean(Tensor.ArgMax(Tensor.MatMul(X, w), axis: 1) * v);
        var graph = loss.Backward();
        Assert.Null(w.Grad);
        Assert.NotNull(v.Grad);
        Assert.Equal(["argmax"], graph.BlockersOf(w).Select(op => op.Name));
    }

    [Theory]
    [InlineData("round")]
    [InlineData("argmax")]
    [InlineData("floor")]
    [InlineData("sign")]
    [InlineData("greater")]
    [InlineData("less")]
    [InlineData("equal")]
    [InlineData("cast")]
    [InlineData("stop_gradient")]
    public void ALossCutEntirelyThrowsNamingTheBlocker(string blocker)
    {
        var w = Weight();
        var z = Tensor.MatMul(X, w);
        var cut = blocker switch
        {
            "round" => Tensor.Round(z),
            "argmax" => Tensor.ArgMax(z),
            "floor" => Tensor.Floor(z),
            "sign" => Tensor.Sign(z),
            "greater" => Tensor.Greater(z, Tensor.Scalar(0f)),
            "less" => Tensor.Less(z, Tensor.Scalar(0f)),
            "equal" => Tensor.Equal(z, Tensor.Scalar(0f)),
            "cast" => Tensor.ToLabels(z),
            _ => Tensor.StopGradient(z),
        };
        var loss = Tensor.Mean(cut * 2f);
        Assert.False(loss.RequiresGrad);
        var error = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains(blocker, error.Message);
        Assert.Equal([blocker], new Graph(loss).BlockersOf(w).Select(op => op.Name));
        Assert.True(new Graph(loss).Ops.Single(op => op.Name == blocker).IsGradientBlocker);
    }

    [Fact]
    public void StopGradientKeepsValuesAndCutsOnlyItsBranch()
    {
        var x = Tensor.FromArray([1f, 2f], 2).RequireGrad();
        var loss = Tensor.Sum(x * Tensor.StopGradient(x)); // d/dx = stop(x), not 2x
        Assert.Equal(5f, loss.Item());
        loss.Backward();
        Assert.Equal([1f, 2f], x.Grad!.Data);
    }
}
