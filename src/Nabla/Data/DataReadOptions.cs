namespace Nabla.Data;

/// <summary>Limits and strictness shared by every Nabla.Data reader.</summary>
public record DataReadOptions
{
    /// <summary>4 GiB: larger than any array a float32 tensor can hold once decoded, so it only stops hostile or mistaken files.</summary>
    public const long DefaultMaxBytes = 4L << 30;

    /// <summary>The largest number of data bytes a file may declare (or, for text, occupy).</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>
    /// Whether NaN and infinite values are accepted. Off by default: a NaN input poisons training
    /// silently, so readers refuse it and say where it is. `nabla data info` turns it on to count them.
    /// </summary>
    public bool AllowNonFinite { get; init; }

    internal static DataReadOptions Default { get; } = new();

    internal void Validate()
    {
        if (MaxBytes <= 0)
            throw new ArgumentOutOfRangeException(nameof(MaxBytes), MaxBytes, "MaxBytes must be positive.");
    }
}
