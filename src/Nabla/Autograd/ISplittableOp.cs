namespace Nabla.Autograd;

/// <summary>
/// An op whose work a captured training step can split between the kernel threads: a wide product cut into
/// shards, each computed (and its slice of the weight updated) by the same thread step after step. The split
/// depends only on the problem size, never on the thread count, so any number of threads gives the same bits.
/// </summary>
internal interface ISplittableOp
{
    /// <summary>Splits the op when its product has at least <paramref name="minMacs"/> multiply-adds. Returns the
    /// split of the elements of input <see cref="SplitWeightInput"/> that the optimizer should follow, or null
    /// when the op stays whole.</summary>
    Kernels.Shards? SplitWork(long minMacs);

    /// <summary>The current split of the op's work; null when whole.</summary>
    Kernels.Shards? WorkShards { get; }

    /// <summary>The input (a weight) whose elements <see cref="SplitWork"/>'s shards cover.</summary>
    int SplitWeightInput { get; }

    /// <summary>The inputs (weights) whose gradient the split backward pass finalizes and can update at once.</summary>
    IReadOnlyList<int> EarlyUpdateInputs { get; }

    /// <summary>Per entry of <see cref="EarlyUpdateInputs"/>, whether this op updates that weight during its
    /// backward pass (only when it alone reads the weight).</summary>
    void PlanEarlyUpdates(IReadOnlyList<bool> updateEarly);

    /// <summary>The update the current step applies during the backward pass; null for none.</summary>
    IEarlyWeightUpdate? EarlyOptimizer { get; set; }
}
