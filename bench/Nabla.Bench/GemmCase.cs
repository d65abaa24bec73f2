namespace Nabla.Bench;

/// <summary>One SGEMM shape, C[m×n] = op(A)·op(B), shared by the BenchmarkDotNet classes and the quick mode.</summary>
public sealed record GemmCase(string Name, bool TransA, bool TransB, int M, int N, int K)
{
    public double Flops => 2.0 * M * N * K;

    public override string ToString() => Name;

    /// <summary>
    /// Square sizes, then the MNIST-MLP dense-layer shapes: forward X·W [B,784]·[784,128], the skinny
    /// [B,128]·[128,10], and the backward dW = Xᵀ·dY (transA) and dX = dY·Wᵀ (transB); then the CNN bench's convolutions.
    /// </summary>
    public static readonly GemmCase[] All =
    [
        new("256³", false, false, 256, 256, 256),
        new("1024³", false, false, 1024, 1024, 1024),
        new("X·W B=32", false, false, 32, 128, 784),
        new("X·W B=128", false, false, 128, 128, 784),
        new("X·W B=1024", false, false, 1024, 128, 784),
        new("H·W2 B=32 (N=10)", false, false, 32, 10, 128),
        new("H·W2 B=1024 (N=10)", false, false, 1024, 10, 128),
        new("X·W B=128 k/2", false, false, 128, 128, 392),
        new("Xᵀ·dY B=128 m/2 (dW)", true, false, 392, 128, 128),
        new("Xᵀ·dY B=32 (dW)", true, false, 784, 128, 32),
        new("Xᵀ·dY B=1024 (dW)", true, false, 784, 128, 1024),
        new("dY·Wᵀ B=32 (dX)", false, true, 32, 784, 128),
        new("dY·Wᵀ B=1024 (dX)", false, true, 1024, 784, 128),
        // The simple MNIST convnet at batch 128, im2col rows = samples × output positions: conv1 (3×3×1 → 32),
        // conv2 (3×3×32 → 64) forward, its kernel gradient colsᵀ·dz and its column gradient dz·kernelᵀ.
        new("conv1 fwd B=128", false, false, 128 * 676, 32, 9),
        new("conv2 fwd B=128", false, false, 128 * 121, 64, 288),
        new("conv2 dK B=128", true, false, 288, 64, 128 * 121),
        new("conv2 dKᵀ B=128", true, false, 64, 288, 128 * 121),
        new("conv2 dcols B=128", false, true, 128 * 121, 288, 64),
    ];
}
