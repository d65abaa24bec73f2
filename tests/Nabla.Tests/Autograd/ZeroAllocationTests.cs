namespace Nabla.Tests.Autograd;

public class ZeroAllocationTests
{
    [Fact]
    public void ReplayingForwardAndBackwardAllocatesNothing()
    {
        var x = new Tensor(8, 6) { IsPlaceholder = true };
        var target = new Tensor(8, 4) { IsPlaceholder = true };
        var w = Nabla.Tests.TestSupport.GradientCheck.Random(1, -0.5, 0.5, 6, 4).RequireGrad();
        var b = new Tensor(4).RequireGrad();
        var scale = Tensor.Full(1.5f, 8, 1).RequireGrad();
        for (int i = 0; i < x.Size; i++) x.Data[i] = MathF.Sin(i);
        target.Data[3] = 1f;

        // One of nearly every op, so that any allocation in a Forward or Backward shows.
        var logits = Tensor.MatMul(x, w) + b;
        var hidden = new Nabla.Activations.Relu().Apply(logits) * scale;
        var probabilities = Tensor.Softmax(hidden);
        var mse = Tensor.Mean(Tensor.Pow(probabilities - target, 2f));
        var extra = Tensor.Sum(Tensor.Max(Tensor.Transpose(hidden), 1))
            + Tensor.Mean(Tensor.Concat([Tensor.Slice(hidden, [0, 0], [8, 2]), Tensor.Reshape(scale, 8, 1)], 1), [0, 1])
            + Tensor.Sum(Tensor.Where(Tensor.Greater(logits, Tensor.Scalar(0f)), Tensor.Exp(-Tensor.Abs(logits)), Tensor.Clip(logits, -1f, 1f)))
            + Tensor.Sum(Tensor.LogSoftmax(logits) / Tensor.Sqrt(scale * scale + 1f))
            + Tensor.Sum(Tensor.Log(scale) - Tensor.Round(scale) + Tensor.Pow(scale, scale));
        var loss = mse + extra * 0.01f;
        var graph = new Graph(loss);
        graph.Forward();
        graph.Backward();

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int step = 0; step < 20; step++)
        {
            graph.Forward();
            graph.Backward();
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.NotNull(w.Grad);
        Assert.NotNull(b.Grad);
    }
}
