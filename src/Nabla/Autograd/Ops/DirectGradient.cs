using System.Numerics.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>
/// The gradient that consumers of an op's pre-activation write past its activation (<see cref="ILogitsOutput"/>):
/// cleared lazily at the first request after a forward pass, added once into dz by the op's backward pass.
/// </summary>
internal sealed class DirectGradient(int size)
{
    private float[]? buffer;
    private bool written;

    /// <summary>A forward pass starts a new step: nothing written yet.</summary>
    public void Reset() => written = false;

    /// <summary>The buffer to add into: zeroed when this step has not written to it yet.</summary>
    public Span<float> Take()
    {
        buffer ??= new float[size];
        if (!written) Array.Clear(buffer);
        written = true;
        return buffer;
    }

    /// <summary>When this step wrote and <paramref name="dy"/> is all zero (the consumers that wrote here are the output's
    /// only ones, as a crossentropy usually is), dz is this buffer alone: copies it into <paramref name="gradZ"/> and
    /// returns true, sparing the activation's backward pass over zeros.</summary>
    public bool TryCopyAlone(ReadOnlySpan<float> dy, Span<float> gradZ)
    {
        if (!written || TensorPrimitives.MaxMagnitude(dy) != 0) return false;
        buffer.AsSpan().CopyTo(gradZ);
        written = false;
        return true;
    }

    /// <summary>Adds this step's writes into <paramref name="gradZ"/>, if any.</summary>
    public void AddInto(Span<float> gradZ)
    {
        if (!written) return;
        TensorPrimitives.Add(gradZ, buffer, gradZ);
        written = false;
    }
}
