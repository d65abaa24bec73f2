using System.Runtime.CompilerServices;
using Nabla.Activations;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// y = activation(x·W + b): one GEMM, one SIMD pass adding the bias, one activation pass; the backward
/// pass multiplies the activation's derivative into the upstream gradient once, before the two GEMMs. The pre-activation z is kept: backward needs it, and the
/// training doctor reads it (saturation, dead units).
/// </summary>
internal sealed unsafe class DenseOp : Op
{
    private readonly int rows, inFeatures, units;
    private readonly Activation activation;
    private readonly float[] gradZ;

    public DenseOp(Tensor x, Tensor kernel, Tensor? bias, Activation activation)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias))
    {
        inFeatures = kernel.Shape[0];
        units = kernel.Shape[1];
        rows = x.Size / inFeatures;
        this.activation = activation;
        PreActivation = new Tensor(Output.Shape);
        gradZ = new float[Output.Size];
    }

    public override string Name => "dense";

    /// <summary>z = x·W + b, before the activation.</summary>
    public Tensor PreActivation { get; }

    public Activation Activation => activation;

    private static int[] OutputShape(Tensor x, Tensor kernel, Tensor? bias)
    {
        if (kernel.Rank != 2 || x.Rank < 1 || x.Shape[^1] != kernel.Shape[0])
            throw new ArgumentException(
                $"dense needs inputs whose last axis matches the kernel's first: inputs {Tensor.ShapeString(x.Shape)}, " +
                $"kernel {Tensor.ShapeString(kernel.Shape)}.");
        if (bias is not null && (bias.Rank != 1 || bias.Shape[0] != kernel.Shape[1]))
            throw new ArgumentException(
                $"dense bias {Tensor.ShapeString(bias.Shape)} does not match kernel {Tensor.ShapeString(kernel.Shape)}.");
        return [.. x.Shape[..^1], kernel.Shape[1]];
    }

    // Set by a captured training step (SplitBetweenThreads): the batch rows (of x, z, y and dz) and the weight
    // rows (of W and dW: the input features). Null: one thread (the GEMMs may still share their own work).
    private Shards? batchShards, weightRowShards;

    /// <summary>
    /// Splits this layer's work between <paramref name="threads"/> threads when its forward product has at
    /// least <paramref name="minMacs"/> multiply-adds. Each thread then computes the same shard step after
    /// step: its batch rows of z, y and dz, and its rows of dW (input features), whose optimizer update it
    /// also runs, so those rows of the weights, gradient and moments stay in its core's cache. Every value
    /// is computed exactly as on one thread. Returns the split of the kernel's elements for the optimizer,
    /// or null when the layer stays on one thread.
    /// </summary>
    public Shards? SplitBetweenThreads(int threads, long minMacs)
    {
        batchShards = weightRowShards = null;
        if (rows < 2 || inFeatures < 2 || (long)rows * inFeatures * units < minMacs) return null;
        // Bounds on whole micro-kernel tiles, so no shard adds a ragged tile.
        var path = GemmKernels.Current;
        int tileHeight = path == GemmPath.Reference ? 8 : GemmKernels.For(path, units).MR;
        var byBatch = Shards.Plan(rows, threads, tileHeight, minLength: tileHeight);
        var byWeightRows = Shards.Plan(inFeatures, threads, tileHeight, minLength: 2 * tileHeight);
        if (byBatch is null || byWeightRows is null) return null;
        (batchShards, weightRowShards) = (byBatch, byWeightRows);
        return byWeightRows.OfRows(units);
    }

    /// <summary>The split of the batch rows (the rows of x, z, y and dz); null when not split.</summary>
    public Shards? BatchShards => batchShards;

    /// <summary>Whether this call runs split: not when the thread budget has since dropped below the split.</summary>
    private bool RunsSplit => batchShards is not null && KernelSettings.MaxThreads >= batchShards.Count;

    public override void Forward()
    {
        if (RunsSplit)
        {
            var self = this;
            WorkerPool.ForShards(batchShards!.Count, &ForwardShards, Unsafe.AsPointer(ref self));
            return;
        }
        var z = PreActivation.Data;
        Gemm.Multiply(false, false, rows, units, inFeatures, Inputs[0].Data, Inputs[1].Data, z);
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        // One call over the whole batch: row-wise activations (softmax) split rows themselves.
        activation.Forward(z, Output.Data, units);
    }

    protected internal override bool CanOverwriteGrad(int i) => true;

    public override void Backward()
    {
        if (RunsSplit)
        {
            var self = this;
            WorkerPool.ForShards(batchShards!.Count, &GradZShards, Unsafe.AsPointer(ref self));
            WorkerPool.ForShards(weightRowShards!.Count, &WeightGradShards, Unsafe.AsPointer(ref self));
            // dx needs every unit's dz: the whole product, after the shards.
            if (NeedsGrad(0))
                Gemm.Multiply(false, true, rows, inFeatures, units, gradZ, Inputs[1].Data, Inputs[0].Grad!.Data, accumulate: !OverwritesGrad(0));
            return;
        }
        activation.Backward(PreActivation.Data, Output.Data, Output.Grad!.Data, gradZ, units);
        var x = Inputs[0];
        // dW (+)= xᵀ·dz    [in, rows]·[rows, units]
        if (NeedsGrad(1))
            Gemm.Multiply(true, false, inFeatures, units, rows, x.Data, gradZ, Inputs[1].Grad!.Data, accumulate: !OverwritesGrad(1));
        // db (+)= Σ_rows dz
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: !OverwritesGrad(2));
        // dx (+)= dz·Wᵀ    [rows, units]·[units, in]
        if (NeedsGrad(0))
            Gemm.Multiply(false, true, rows, inFeatures, units, gradZ, Inputs[1].Data, x.Grad!.Data, accumulate: !OverwritesGrad(0));
    }

    /// <summary>Rows of z = x·W + b and y = activation(z) per shard of the batch.</summary>
    private static void ForwardShards(int first, int end, void* state)
    {
        var op = Unsafe.AsRef<DenseOp>(state);
        for (int shard = first; shard < end; shard++)
        {
            var rowRange = op.batchShards![shard];
            var (offset, length) = rowRange.GetOffsetAndLength(op.rows);
            var (from, count) = (offset * op.units, length * op.units);
            var z = op.PreActivation.Data;
            Gemm.MultiplyBlock(false, false, op.rows, op.units, op.inFeatures, op.Inputs[0].Data, op.Inputs[1].Data, z, false, rowRange, ..);
            if (op.Inputs.Length == 3) RowVector.AddToRows(z.AsSpan(from, count), op.Inputs[2].Data);
            op.activation.Forward(z.AsSpan(from, count), op.Output.Data.AsSpan(from, count), op.units);
        }
    }

    private static void GradZShards(int first, int end, void* state)
    {
        var op = Unsafe.AsRef<DenseOp>(state);
        for (int shard = first; shard < end; shard++)
        {
            var (offset, length) = op.batchShards![shard].GetOffsetAndLength(op.rows);
            var (from, count) = (offset * op.units, length * op.units);
            op.activation.Backward(op.PreActivation.Data.AsSpan(from, count), op.Output.Data.AsSpan(from, count),
                op.Output.Grad!.Data.AsSpan(from, count), op.gradZ.AsSpan(from, count), op.units);
        }
    }

    /// <summary>Rows of dW (input features) per shard; shard 0 also sums db.</summary>
    private static void WeightGradShards(int first, int end, void* state)
    {
        var op = Unsafe.AsRef<DenseOp>(state);
        for (int shard = first; shard < end; shard++)
        {
            if (op.NeedsGrad(1))
                Gemm.MultiplyBlock(true, false, op.inFeatures, op.units, op.rows, op.Inputs[0].Data, op.gradZ,
                    op.Inputs[1].Grad!.Data, !op.OverwritesGrad(1), op.weightRowShards![shard], ..);
            if (shard == 0 && op.Inputs.Length == 3 && op.NeedsGrad(2))
                RowVector.SumRows(op.gradZ, op.Inputs[2].Grad!.Data, accumulate: !op.OverwritesGrad(2));
        }
    }
}
