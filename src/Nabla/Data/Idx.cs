using System.Buffers.Binary;

namespace Nabla.Data;

/// <summary>
/// Reads the IDX format of MNIST and its relatives: two zero bytes, a dtype code, the rank, then
/// each dimension as a big-endian uint32, then the elements big-endian in row-major order.
/// Raw and gzip files are both accepted (gzip is recognized by its magic bytes).
/// </summary>
public static class Idx
{
    /// <summary>Loads an IDX file (raw or .gz) as a float32 tensor of the declared shape.</summary>
    public static Tensor Load(string path, DataReadOptions? options = null) => LoadTyped(path, options).Values;

    internal static LoadedArray LoadTyped(string path, DataReadOptions? options = null)
    {
        options ??= DataReadOptions.Default;
        using var source = BinarySource.OpenFile(path, options);
        return Read(source, options);
    }

    /// <summary>Loads IDX data from a seekable stream; <paramref name="name"/> is used in error messages.</summary>
    internal static Tensor Load(Stream stream, string name, DataReadOptions? options = null)
    {
        options ??= DataReadOptions.Default;
        using var source = BinarySource.Open(stream, name, options);
        return Read(source, options).Values;
    }

    private static LoadedArray Read(BinarySource source, DataReadOptions options)
    {
        Span<byte> magic = stackalloc byte[4];
        source.ReadExactly(magic, "IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw DataFormatException.AtOffset(source.Path, 0, "an IDX file starting with two zero bytes",
                $"0x{magic[0]:X2} 0x{magic[1]:X2}");
        ElementType type = TypeOf(magic[2])
            ?? throw DataFormatException.AtOffset(source.Path, 2,
                "an IDX dtype code 0x08 (ubyte), 0x09 (sbyte), 0x0B (short), 0x0C (int), 0x0D (float) or 0x0E (double)",
                $"0x{magic[2]:X2}");
        int rank = magic[3];
        if (rank == 0)
            throw DataFormatException.AtOffset(source.Path, 3, "a rank of at least 1", "rank 0");

        var shape = new int[rank];
        Span<byte> dimension = stackalloc byte[4];
        for (int axis = 0; axis < rank; axis++)
        {
            long offset = source.Offset;
            source.ReadExactly(dimension, $"dimension {axis} of {rank}");
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimension);
            if (size > int.MaxValue)
                throw DataFormatException.AtOffset(source.Path, offset, $"dimension {axis} at most {int.MaxValue}", $"{size}");
            shape[axis] = (int)size;
        }

        int count = source.CheckDeclaredShape(shape, type, ElementTypes.Name(type), options);
        float[] values = source.ReadElements(type, bigEndian: true, count, options.AllowNonFinite);
        source.ExpectEnd();
        return new LoadedArray(Tensor.FromArray(values, shape), ElementTypes.Name(type));
    }

    private static ElementType? TypeOf(byte code) => code switch
    {
        0x08 => ElementType.UInt8,
        0x09 => ElementType.Int8,
        0x0B => ElementType.Int16,
        0x0C => ElementType.Int32,
        0x0D => ElementType.Float32,
        0x0E => ElementType.Float64,
        _ => null,
    };
}
