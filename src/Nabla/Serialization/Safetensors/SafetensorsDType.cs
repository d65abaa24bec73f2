using Nabla.Configuration;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Nabla.Serialization.Safetensors;

/// <summary>
/// The safetensors element types Nabla reads. Nabla's tensors are float32, so F32 is read as is and the
/// other floating types (F16, BF16, F64) are converted to float32 on load (F64 rounds to nearest). Integer,
/// boolean and 8-bit float tensors are rejected with an error naming the tensor and its dtype.
/// </summary>
internal static class SafetensorsDType
{
    public const string Float32 = "F32";

    /// <summary>Bytes per element of each readable dtype.</summary>
    private static readonly Dictionary<string, int> sizes = new(StringComparer.Ordinal)
    {
        [Float32] = 4,
        ["F16"] = 2,
        ["BF16"] = 2,
        ["F64"] = 8,
    };

    public static IEnumerable<string> Readable => sizes.Keys;

    public static bool TryGetSize(string dtype, out int bytesPerElement) => sizes.TryGetValue(dtype, out bytesPerElement);

    /// <summary>Decodes little-endian elements of <paramref name="dtype"/> into float32.</summary>
    public static void Decode(string dtype, ReadOnlySpan<byte> source, Span<float> destination)
    {
        switch (dtype)
        {
            case Float32:
                if (BitConverter.IsLittleEndian) source.CopyTo(MemoryMarshal.AsBytes(destination));
                else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                break;
            case "F16":
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(source[(2 * i)..]);
                break;
            case "BF16":
                // bfloat16 is the top half of a float32's bits.
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(source[(2 * i)..]) << 16);
                break;
            case "F64":
                for (int i = 0; i < destination.Length; i++)
                    destination[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(source[(8 * i)..]);
                break;
            default:
                throw new ArgumentException($"dtype '{dtype}' is not readable; readable dtypes: {string.Join(", ", Readable)}.", nameof(dtype));
        }
    }
}
