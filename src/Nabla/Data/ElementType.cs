using System.Buffers.Binary;

namespace Nabla.Data;

/// <summary>The element types the binary readers decode into float32.</summary>
internal enum ElementType
{
    UInt8,
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Bool,
}

internal static class ElementTypes
{
    public static int SizeOf(ElementType type) => type switch
    {
        ElementType.UInt8 or ElementType.Int8 or ElementType.Bool => 1,
        ElementType.Int16 => 2,
        ElementType.Int32 or ElementType.Float32 => 4,
        ElementType.Int64 or ElementType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>NumPy's name for the type, which is also what `nabla data info` prints.</summary>
    public static string Name(ElementType type) => type switch
    {
        ElementType.UInt8 => "uint8",
        ElementType.Int8 => "int8",
        ElementType.Int16 => "int16",
        ElementType.Int32 => "int32",
        ElementType.Int64 => "int64",
        ElementType.Float32 => "float32",
        ElementType.Float64 => "float64",
        ElementType.Bool => "bool",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static bool IsFloatingPoint(ElementType type) => type is ElementType.Float32 or ElementType.Float64;

    /// <summary>
    /// Decodes whole elements from <paramref name="source"/> into <paramref name="destination"/>
    /// (one float per element). Returns the index of the first value that is not a finite float32,
    /// or -1; the caller decides whether that is an error.
    /// </summary>
    public static int Decode(ElementType type, bool bigEndian, ReadOnlySpan<byte> source, Span<float> destination)
    {
        int size = SizeOf(type);
        int count = source.Length / size;
        switch (type)
        {
            case ElementType.UInt8:
                for (int i = 0; i < count; i++) destination[i] = source[i];
                return -1;
            case ElementType.Int8:
                for (int i = 0; i < count; i++) destination[i] = (sbyte)source[i];
                return -1;
            case ElementType.Bool:
                for (int i = 0; i < count; i++) destination[i] = source[i] != 0 ? 1f : 0f;
                return -1;
            case ElementType.Int16:
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 2, 2);
                    destination[i] = bigEndian ? BinaryPrimitives.ReadInt16BigEndian(bytes) : BinaryPrimitives.ReadInt16LittleEndian(bytes);
                }
                return -1;
            case ElementType.Int32:
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 4, 4);
                    destination[i] = bigEndian ? BinaryPrimitives.ReadInt32BigEndian(bytes) : BinaryPrimitives.ReadInt32LittleEndian(bytes);
                }
                return -1;
            case ElementType.Int64:
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 8, 8);
                    destination[i] = bigEndian ? BinaryPrimitives.ReadInt64BigEndian(bytes) : BinaryPrimitives.ReadInt64LittleEndian(bytes);
                }
                return -1;
            case ElementType.Float32:
            {
                int firstBad = -1;
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 4, 4);
                    float v = bigEndian ? BinaryPrimitives.ReadSingleBigEndian(bytes) : BinaryPrimitives.ReadSingleLittleEndian(bytes);
                    destination[i] = v;
                    if (firstBad < 0 && !float.IsFinite(v)) firstBad = i;
                }
                return firstBad;
            }
            case ElementType.Float64:
            {
                int firstBad = -1;
                for (int i = 0; i < count; i++)
                {
                    var bytes = source.Slice(i * 8, 8);
                    double v = bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(bytes) : BinaryPrimitives.ReadDoubleLittleEndian(bytes);
                    // A finite double beyond float32's range also becomes infinity here, and is reported as such.
                    destination[i] = (float)v;
                    if (firstBad < 0 && !float.IsFinite(destination[i])) firstBad = i;
                }
                return firstBad;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, null);
        }
    }
}
