using System.Globalization;

namespace Nabla.Layers;

/// <summary>
/// The most memory a model's weights may take, checked as each weight is declared and before it is allocated,
/// so that a small config asking for a huge layer (<c>units: 1000000</c>) is refused at once with its size
/// instead of allocating gigabytes first. Raise <see cref="MaxBytes"/> to build a huge model on purpose.
/// </summary>
public static class WeightBudget
{
    /// <summary>1 GiB of float32 weights (268M parameters): far above the models Nabla trains on a CPU.</summary>
    public const long DefaultMaxBytes = 1L << 30;

    private static long maxBytes = DefaultMaxBytes;

    private static readonly AsyncLocal<long?> scopedMaxBytes = new();

    /// <summary>The largest total size in bytes of one model's (or one lone layer's) weights. Process-wide;
    /// <see cref="Allow"/> sets it for one flow of control instead.</summary>
    public static long MaxBytes
    {
        get => scopedMaxBytes.Value ?? Volatile.Read(ref maxBytes);
        set => Volatile.Write(ref maxBytes, Positive(value));
    }

    /// <summary>Sets the budget for the calling thread (and the async code it starts) until disposed:
    /// <c>using (WeightBudget.Allow(8L &lt;&lt; 30)) model = Model.Load(path);</c></summary>
    public static IDisposable Allow(long maxBytes)
    {
        var previous = scopedMaxBytes.Value;
        scopedMaxBytes.Value = Positive(maxBytes);
        return new Restore(previous);
    }

    private sealed class Restore(long? previous) : IDisposable
    {
        public void Dispose() => scopedMaxBytes.Value = previous;
    }

    private static long Positive(long value) => value > 0 ? value
        : throw new ArgumentOutOfRangeException(nameof(MaxBytes), value, "WeightBudget.MaxBytes must be positive.");

    /// <summary>One model's running count of parameters, while it is being built.</summary>
    internal sealed class Scope(string owner) : IDisposable
    {
        public readonly string Owner = owner;
        public long Parameters;
        public Scope? Outer;

        /// <summary>Counts weights that already exist (layers built before the model).</summary>
        public void Count(IReadOnlyList<Tensor> weights)
        {
            foreach (var w in weights) Parameters += w.Size;
        }

        public void Dispose() => current.Value = Outer;
    }

    private static readonly AsyncLocal<Scope?> current = new();

    /// <summary>Counts every weight declared until disposed against one budget (a model being built).</summary>
    internal static Scope Begin(string owner)
    {
        var scope = new Scope(owner) { Outer = current.Value };
        current.Value = scope;
        return scope;
    }

    /// <summary>Checks a weight about to be allocated and returns its element count.</summary>
    internal static int Reserve(string layer, string weight, int[] shape)
    {
        long count = Tensor.ElementCount(shape);
        var scope = current.Value;
        long total = (scope?.Parameters ?? 0) + count;
        long budget = MaxBytes;
        if (total > budget / sizeof(float))
            throw new ArgumentException(
                $"{(scope is null ? "" : scope.Owner + ": ")}layer '{layer}' weight '{weight}' of shape {Tensor.ShapeString(shape)} has " +
                $"{Format(count)} parameters ({Bytes(count)}); with it the weights need {Format(total)} parameters ({Bytes(total)}), " +
                $"over the budget of {Bytes(budget / sizeof(float))} (WeightBudget.MaxBytes); raise it to build this model.");
        if (count > Array.MaxLength)
            throw new ArgumentException(
                $"Layer '{layer}' weight '{weight}' of shape {Tensor.ShapeString(shape)} has {Format(count)} elements; " +
                $"a tensor holds at most {Format(Array.MaxLength)}.");
        if (scope is not null) scope.Parameters = total;
        return (int)count;
    }

    private static string Format(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Bytes(long parameters)
    {
        double bytes = parameters * (double)sizeof(float);
        return bytes >= 1 << 30 ? $"{bytes / (1 << 30):0.##} GiB" : bytes >= 1 << 20 ? $"{bytes / (1 << 20):0.##} MiB" : $"{bytes:0} bytes";
    }
}
