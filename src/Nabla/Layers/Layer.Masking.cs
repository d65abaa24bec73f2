namespace Nabla.Layers;

/// <summary>
/// Keras's masking: a layer that makes a mask (Embedding with mask_zero, Masking) sets it on its output
/// (<see cref="Tensor.KerasMask"/>); every other layer's output gets <see cref="ComputeMask"/> of its input's mask, as
/// Keras's <c>Layer.__call__</c> does. Models call layers through <see cref="CallWithMask(Tensor, bool)"/>.
/// </summary>
public abstract partial class Layer
{
    /// <summary>Keras's <c>supports_masking</c>: a mask on the inputs passes unchanged to the outputs. False by default,
    /// as in Keras: the mask then stops at this layer.</summary>
    public virtual bool SupportsMasking => false;

    /// <summary>Keras's <c>compute_mask</c>: the mask of the output, given the inputs and their mask.</summary>
    public virtual Tensor? ComputeMask(Tensor inputs, Tensor? mask) => SupportsMasking ? mask : null;

    /// <summary>Where Keras would use a mask inside this layer's computation in a way Nabla does not implement, the
    /// reason; a masked input is then refused rather than computed unmasked.</summary>
    private protected virtual string? UnsupportedMaskUse => null;

    /// <summary>Runs <see cref="Call(Tensor, bool)"/> and gives the output its mask, as Keras's <c>layer(x)</c>.</summary>
    public Tensor CallWithMask(Tensor inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        RefuseUnsupportedMask(inputs.KerasMask);
        var output = Call(inputs, training);
        if (!ReferenceEquals(output, inputs) && output.KerasMask is null)
            output.KerasMask = ComputeMask(inputs, inputs.KerasMask);
        RecordActivityPenalty(output);
        return output;
    }

    /// <summary>Throws when a mask reaches a layer that Keras would let it change (<see cref="UnsupportedMaskUse"/>).</summary>
    internal void RefuseUnsupportedMask(Tensor? mask)
    {
        if (mask is not null && UnsupportedMaskUse is { } reason)
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) receives a timestep mask (from Embedding mask_zero or Masking), which Keras " +
                $"uses in {reason}; Nabla does not implement that. Remove the mask or this layer.");
    }

    /// <summary>Whether a layer with several inputs reads their masks itself in <see cref="Call(IReadOnlyList{Tensor}, bool)"/>
    /// and sets its output's (attention does; merges do not).</summary>
    private protected virtual bool ReadsInputMasks => false;

    /// <summary>The multi-input form: a single input goes through <see cref="CallWithMask(Tensor, bool)"/>; the
    /// outputs of layers with several inputs carry the mask those layers give them (merges give none).</summary>
    internal Tensor CallWithMask(IReadOnlyList<Tensor> inputs, bool training)
    {
        if (inputs.Count == 1) return CallWithMask(inputs[0], training);
        if (!ReadsInputMasks && inputs.Any(i => i.KerasMask is not null))
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}) merges inputs that carry a timestep mask; Keras combines the masks, which " +
                "Nabla does not implement.");
        var output = Call(inputs, training);
        RecordActivityPenalty(output);
        return output;
    }

    /// <summary>Finishes a call that reads its inputs' masks itself, as Keras's <c>layer(x)</c> does: the first output gets
    /// <see cref="ComputeMask"/> of the first input's mask unless the call gave it one (the states a recurrent layer
    /// returns carry none), and every output's activity penalty is recorded.</summary>
    private protected IReadOnlyList<Tensor> FinishCall(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor> outputs)
    {
        if (outputs[0].KerasMask is null && !ReferenceEquals(outputs[0], inputs[0]))
            outputs[0].KerasMask = ComputeMask(inputs[0], inputs[0].KerasMask);
        foreach (var output in outputs) RecordActivityPenalty(output);
        return outputs;
    }

    /// <summary>Checks a timestep mask against the batch it goes with: [batch, timesteps].</summary>
    private protected void CheckTimestepMask(Tensor inputs, Tensor mask)
    {
        if (mask.Rank != 2 || mask.Shape[0] != inputs.Shape[0] || mask.Shape[1] != inputs.Shape[1])
            throw new ArgumentException(
                $"Layer '{Name}' ({ClassName}): the mask must be [batch, timesteps] = [{inputs.Shape[0]}, {inputs.Shape[1]}] " +
                $"for inputs {Tensor.ShapeString(inputs.Shape)}; found {Tensor.ShapeString(mask.Shape)}.");
    }
}
