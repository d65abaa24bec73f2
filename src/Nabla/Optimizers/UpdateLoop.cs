using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Nabla.Optimizers;

/// <summary>
/// One optimizer's per-element update formula, written once for any lane width. A rule is a struct holding
/// the arrays it reads and writes (weights, gradient, moments) and the per-step scalars; <see cref="Step{T}"/>
/// updates the <c>T.Count</c> elements starting at index <c>i</c>.
/// </summary>
internal interface IUpdateRule
{
    void Step<T>(int i) where T : struct, ILanes<T>;
}

/// <summary>Runs a rule over a parameter in one pass: 16-wide, then 8, then 4, then a scalar tail.</summary>
internal static class UpdateLoop
{
    /// <summary>Runs the rule over elements [<paramref name="start"/>, <paramref name="end"/>) of its arrays:
    /// a whole parameter, or one thread's share of it. Every rule is element-wise, so a split changes which
    /// thread computes an element, never its value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TRule>(TRule rule, int start, int end) where TRule : struct, IUpdateRule
    {
        int i = start;
        if (Vector512.IsHardwareAccelerated)
            for (; i <= end - Lanes512.Count; i += Lanes512.Count) rule.Step<Lanes512>(i);
        if (Vector256.IsHardwareAccelerated)
            for (; i <= end - Lanes256.Count; i += Lanes256.Count) rule.Step<Lanes256>(i);
        if (Vector128.IsHardwareAccelerated)
            for (; i <= end - Lanes128.Count; i += Lanes128.Count) rule.Step<Lanes128>(i);
        for (; i < end; i++) rule.Step<Lane1>(i);
    }
}

/// <summary>
/// What every rule shares: the parameter's weights and raw gradient, the gradient clipping and the decoupled
/// weight decay of Keras's base optimizer. The gradient array is only read: Keras clips a copy of the
/// gradient before the update, and here the clipped value exists only in registers during the pass.
/// </summary>
internal readonly struct ParameterPass
{
    public readonly float[] Weights;
    public readonly float[] Gradients;
    private readonly float gradientScale;
    private readonly float clipValue;
    private readonly bool clipsValue;
    private readonly float decay;
    private readonly bool decays;

    /// <param name="gradientScale">clipnorm / global_clipnorm factor; exactly 1 when no norm clipping applies.</param>
    /// <param name="clipValue">clipvalue, or null for none.</param>
    /// <param name="decay">weight_decay · learning rate, or null when the optimizer has no weight decay.</param>
    public ParameterPass(float[] weights, float[] gradients, float gradientScale, float? clipValue, float? decay)
    {
        Weights = weights;
        Gradients = gradients;
        this.gradientScale = gradientScale;
        this.clipValue = clipValue ?? 0f;
        clipsValue = clipValue.HasValue;
        this.decay = decay ?? 0f;
        decays = decay.HasValue;
    }

    /// <summary>The clipped gradient: g·scale (norm clipping), then clip(g, −clipvalue, clipvalue).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T Gradient<T>(int i) where T : struct, ILanes<T>
    {
        var g = T.Load(Gradients, i);
        if (gradientScale != 1f) g *= gradientScale;
        if (clipsValue) g = T.Min(T.Max(g, T.Broadcast(-clipValue)), T.Broadcast(clipValue));
        return g;
    }

    /// <summary>The weight after Keras's decoupled decay <c>w = w − w·wd·lr</c>, applied before the update step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public T DecayedWeight<T>(int i) where T : struct, ILanes<T>
    {
        var w = T.Load(Weights, i);
        if (decays) w -= w * decay;
        return w;
    }
}
