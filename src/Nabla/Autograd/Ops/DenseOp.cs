using System.Numerics.Tensors;
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

    /// <summary>How many shards a split layer's input features are cut into, whatever the thread count, so a
    /// split step computes the same values on one thread as on two.</summary>
    public const int SplitWays = 2;

    // Set by a captured training step (SplitInputs): the split of the input features, which is the split of
    // k in x·W and of the rows of W and dW. Shard s > 0 writes its partial product into partialSums.
    private Shards? inputShards;
    private float[]? partialSums;

    /// <summary>
    /// Splits this layer's input features into <see cref="SplitWays"/> shards when its forward product has at
    /// least <paramref name="minMacs"/> multiply-adds. Thread s then always works on shard s: it multiplies
    /// its columns of x by its rows of W (the partial products are summed in shard order), computes its rows
    /// of dW, and runs their optimizer update, so those rows of the weights, gradient and moments and those
    /// columns of the batch stay in its core's cache step after step. Returns the split of the kernel's
    /// elements for the optimizer, or null when the layer stays whole.
    /// </summary>
    public Shards? SplitInputs(long minMacs)
    {
        inputShards = null;
        partialSums = null;
        if (rows < 2 || inFeatures < 2 || (long)rows * inFeatures * units < minMacs) return null;
        // Bounds on whole micro-kernel tiles of dW's rows, so no shard adds a ragged tile.
        var path = GemmKernels.Current;
        int tileHeight = path == GemmPath.Reference ? 8 : GemmKernels.For(path, units).MR;
        var split = Shards.Plan(inFeatures, SplitWays, tileHeight, minLength: 2 * tileHeight);
        if (split is null) return null;
        inputShards = split;
        partialSums = new float[(split.Count - 1) * rows * units];
        return split.OfRows(units);
    }

    /// <summary>The split of the input features (columns of x, rows of W); null when the layer is whole.</summary>
    public Shards? InputShards => inputShards;

    public override void Forward()
    {
        var z = PreActivation.Data;
        if (inputShards is not null)
        {
            var self = this;
            WorkerPool.ForShards(inputShards.Count, &ForwardShards, Unsafe.AsPointer(ref self));
            for (int shard = 1; shard < inputShards.Count; shard++)
                TensorPrimitives.Add(z, partialSums.AsSpan((shard - 1) * z.Length, z.Length), z);
        }
        else Gemm.Multiply(false, false, rows, units, inFeatures, Inputs[0].Data, Inputs[1].Data, z);
        if (Inputs.Length == 3) RowVector.AddToRows(z, Inputs[2].Data);
        // One call over the whole batch: row-wise activations (softmax) split rows themselves.
        activation.Forward(z, Output.Data, units);
    }

    protected internal override bool CanOverwriteGrad(int i) => true;

    public override void Backward()
    {
        activation.Backward(PreActivation.Data, Output.Data, Output.Grad!.Data, gradZ, units);
        var x = Inputs[0];
        if (inputShards is not null)
        {
            var self = this;
            WorkerPool.ForShards(inputShards.Count, &WeightGradShards, Unsafe.AsPointer(ref self));
        }
        else
        {
            // dW (+)= xᵀ·dz    [in, rows]·[rows, units]
            if (NeedsGrad(1))
                Gemm.Multiply(true, false, inFeatures, units, rows, x.Data, gradZ, Inputs[1].Grad!.Data, accumulate: !OverwritesGrad(1));
            // db (+)= Σ_rows dz
            if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: !OverwritesGrad(2));
        }
        // dx (+)= dz·Wᵀ    [rows, units]·[units, in]
        if (NeedsGrad(0))
            Gemm.Multiply(false, true, rows, inFeatures, units, gradZ, Inputs[1].Data, x.Grad!.Data, accumulate: !OverwritesGrad(0));
    }

    /// <summary>Shard s's partial product x[:, shard]·W[shard, :]: into z for shard 0, else into partialSums.</summary>
    private static void ForwardShards(int first, int end, void* state)
    {
        var op = Unsafe.AsRef<DenseOp>(state);
        int size = op.rows * op.units;
        for (int shard = first; shard < end; shard++)
        {
            var target = shard == 0 ? op.PreActivation.Data.AsSpan() : op.partialSums.AsSpan((shard - 1) * size, size);
            Gemm.MultiplyBlock(false, false, op.rows, op.units, op.inFeatures, op.Inputs[0].Data, op.Inputs[1].Data,
                target, false, .., .., op.inputShards![shard]);
        }
    }

    /// <summary>Shard s's rows of dW (its input features); shard 0 also sums db.</summary>
    private static void WeightGradShards(int first, int end, void* state)
    {
        var op = Unsafe.AsRef<DenseOp>(state);
        for (int shard = first; shard < end; shard++)
        {
            if (op.NeedsGrad(1))
                Gemm.MultiplyBlock(true, false, op.inFeatures, op.units, op.rows, op.Inputs[0].Data, op.gradZ,
                    op.Inputs[1].Grad!.Data, !op.OverwritesGrad(1), op.inputShards![shard], .., ..);
            if (shard == 0 && op.Inputs.Length == 3 && op.NeedsGrad(2))
                RowVector.SumRows(op.gradZ, op.Inputs[2].Grad!.Data, accumulate: !op.OverwritesGrad(2));
        }
    }
}
