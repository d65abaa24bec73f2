using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using Nabla.Kernels;

namespace Nabla.Autograd.Ops;

/// <summary>
/// y = activation(x·W + b): one GEMM, one SIMD pass adding the bias, one activation pass; the backward
/// pass multiplies the activation's derivative into the upstream gradient once, before the GEMMs. The
/// pre-activation z is kept: backward needs it, and the training doctor reads it (saturation, dead units).
/// In a captured training step a wide layer runs split into shards of its input features, shared by the kernel threads
/// (<see cref="SplitWork"/>), and may update its own weights during the backward pass.
/// </summary>
internal sealed unsafe class DenseOp : Op, ILogitsOutput, ISplittableOp
{
    private readonly int rows, inFeatures, units;
    private readonly FusedActivation activation;
    // dz of the backward pass under way, for the shard workers.
    private float[] gradZ = [];

    public DenseOp(Tensor x, Tensor kernel, Tensor? bias, IActivationKernel activation)
        : base(bias is null ? [x, kernel] : [x, kernel, bias], OutputShape(x, kernel, bias))
    {
        inFeatures = kernel.Shape[0];
        units = kernel.Shape[1];
        rows = x.Size / inFeatures;
        this.activation = new FusedActivation(activation, Output, units);
    }

    public override string Name => "dense";

    /// <summary>z = x·W + b, before the activation.</summary>
    public Tensor PreActivation => activation.PreActivation;

    public Span<float> PreActivationGradient() => activation.PreActivationGradient();

    public IActivationKernel Activation => activation.Kernel;

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

    /// <summary>Most shards a split layer is cut into: enough for the 8-core machines this engine is planned for.</summary>
    public const int MaxShards = 8;

    /// <summary>
    /// Fewest input features per shard. Every shard past the first adds one pass summing a rows×units partial
    /// product to the forward pass, memory-bound work that costs as much as tens of multiply-adds per element.
    /// On two cores, a 2,048-feature layer trained 7% slower in 4 shards than in 2, 9–13% in 8 (docs/performance.md):
    /// at 512 features per shard that layer keeps 4, and the 784-feature layers of MNIST networks keep 2.
    /// </summary>
    public const int MinShardFeatures = 512;

    /// <summary>
    /// How many shards a split layer's input features are cut into. It follows the problem size only, never the
    /// thread count, so a split step computes the same bits on any number of threads: a power of two (1, 2, 4 or
    /// 8 threads then share the shards evenly), at most <see cref="MaxShards"/>, each shard keeping at least
    /// <see cref="MinShardFeatures"/> input features and half of <paramref name="minMacs"/> multiply-adds.
    /// </summary>
    public static int ShardCount(int inFeatures, long macs, long minMacs)
    {
        int shards = 2;
        while (shards < MaxShards && inFeatures / (2 * shards) >= MinShardFeatures && macs / (2 * shards) >= minMacs / 2)
            shards *= 2;
        return shards;
    }

    // Set by a captured training step (SplitInputs): the split of the input features, which is the split of
    // k in x·W and of the rows of W and dW. Shard s > 0 writes its partial product into partialSums.
    private Shards? inputShards;
    private float[]? partialSums;

    /// <summary>
    /// Splits this layer's input features into <see cref="ShardCount"/> shards when its forward product has at
    /// least <paramref name="minMacs"/> multiply-adds. A thread then always works on the same shards: it multiplies
    /// its columns of x by its rows of W (the partial products are summed in shard order), computes its rows
    /// of dW, and runs their optimizer update, so those rows of the weights, gradient and moments and those
    /// columns of the batch stay in its core's cache step after step. Returns the split of the kernel's
    /// elements for the optimizer, or null when the layer stays whole.
    /// </summary>
    public Shards? SplitWork(long minMacs)
    {
        inputShards = null;
        partialSums = null;
        long macs = (long)rows * inFeatures * units;
        if (rows < 2 || inFeatures < 2 || macs < minMacs) return null;
        // Bounds on whole micro-kernel tiles of dW's rows, so no shard adds a ragged tile.
        var path = GemmKernels.Current;
        int tileHeight = path == GemmPath.Reference ? 8 : GemmKernels.For(path, units).MR;
        var split = Shards.Plan(inFeatures, ShardCount(inFeatures, macs, minMacs), tileHeight, minLength: 2 * tileHeight);
        if (split is null) return null;
        inputShards = split;
        partialSums = new float[(split.Count - 1) * rows * units];
        return split.OfRows(units);
    }

    /// <summary>The split of the input features (columns of x, rows of W); null when the layer is whole.</summary>
    public Shards? WorkShards => inputShards;

    public int SplitWeightInput => 1;

    public IReadOnlyList<int> EarlyUpdateInputs => Inputs.Length == 3 ? [1, 2] : [1];

    public void PlanEarlyUpdates(IReadOnlyList<bool> updateEarly)
    {
        UpdatesKernelEarly = updateEarly[0];
        UpdatesBiasEarly = updateEarly.Count > 1 && updateEarly[1];
    }

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
        activation.Forward();
    }

    protected internal override bool CanOverwriteGrad(int i) => true;

    public override void Backward()
    {
        gradZ = activation.Backward();
        var x = Inputs[0];
        if (inputShards is not null)
        {
            // The same three products, shard by shard (BackwardShards).
            var self = this;
            WorkerPool.ForShards(inputShards.Count, &BackwardShards, Unsafe.AsPointer(ref self));
            return;
        }
        // dW (+)= xᵀ·dz    [in, rows]·[rows, units]
        if (NeedsGrad(1))
            Gemm.Multiply(true, false, inFeatures, units, rows, x.Data, gradZ, Inputs[1].Grad!.Data, accumulate: !OverwritesGrad(1));
        // db (+)= Σ_rows dz
        if (Inputs.Length == 3 && NeedsGrad(2)) RowVector.SumRows(gradZ, Inputs[2].Grad!.Data, accumulate: !OverwritesGrad(2));
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

    /// <summary>
    /// Shard s's input features: its columns of dx and rows of dW (shard 0 also db), then, when the step updates
    /// this layer early, the optimizer over those rows of W (shard 0 also b). dx reads only the shard's own rows
    /// of W, so no thread reads a row another one is updating.
    /// </summary>
    private static void BackwardShards(int first, int end, void* state)
    {
        var op = Unsafe.AsRef<DenseOp>(state);
        var (x, kernel) = (op.Inputs[0], op.Inputs[1]);
        var bias = op.Inputs.Length == 3 ? op.Inputs[2] : null;
        for (int shard = first; shard < end; shard++)
        {
            var features = op.inputShards![shard];
            // dx[:, shard] (+)= dz·W[shard, :]ᵀ
            if (op.NeedsGrad(0))
                Gemm.MultiplyBlock(false, true, op.rows, op.inFeatures, op.units, op.gradZ, kernel.Data, x.Grad!.Data,
                    !op.OverwritesGrad(0), .., features);
            // dW[shard, :] (+)= x[:, shard]ᵀ·dz
            if (op.NeedsGrad(1))
                Gemm.MultiplyBlock(true, false, op.inFeatures, op.units, op.rows, x.Data, op.gradZ, kernel.Grad!.Data,
                    !op.OverwritesGrad(1), features, ..);
            if (shard == 0 && bias is not null && op.NeedsGrad(2))
                RowVector.SumRows(op.gradZ, bias.Grad!.Data, accumulate: !op.OverwritesGrad(2));
            if (op.EarlyOptimizer is not { } optimizer) continue;
            if (op.UpdatesKernelEarly)
                optimizer.UpdateEarly(kernel, op.inputShards.Start(shard) * op.units, op.inputShards.End(shard) * op.units);
            if (shard == 0 && op.UpdatesBiasEarly) optimizer.UpdateEarly(bias!, 0, op.units);
        }
    }

    /// <summary>Whether the backward pass may update the kernel (and the bias) itself: set at capture when this
    /// op is the only reader of each, so its gradient is final here.</summary>
    public bool UpdatesKernelEarly { get; set; }

    public bool UpdatesBiasEarly { get; set; }

    /// <summary>The optimizer the current step updates with during the backward pass; null for none.</summary>
    public IEarlyWeightUpdate? EarlyOptimizer { get; set; }
}
