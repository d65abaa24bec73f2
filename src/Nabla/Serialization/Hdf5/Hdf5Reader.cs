using PureHDF;
using PureHDF.VOL.Native;
using Nabla.Data;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// An HDF5 file opened for reading (PureHDF). Every read checks the object's kind, type and shape before touching
/// its data, and any failure of the format becomes a <see cref="DataFormatException"/> naming the file and the object.
/// </summary>
internal sealed class Hdf5Reader : IDisposable
{
    private readonly NativeFile file;

    private Hdf5Reader(NativeFile file, string source, long length)
    {
        this.file = file;
        Source = source;
        fileLength = length;
    }

    /// <summary>The file's size in bytes: no list of names stored in it can have more entries.</summary>
    private readonly long fileLength;

    /// <summary>The file as errors name it ("model.keras/model.weights.h5").</summary>
    public string Source { get; }

    public static Hdf5Reader Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try { return Open(stream, path); }
        catch { stream.Dispose(); throw; }
    }

    /// <summary>Opens <paramref name="stream"/> (seekable; closed with the reader).</summary>
    public static Hdf5Reader Open(Stream stream, string source)
    {
        try
        {
            long length = stream.Length;
            return new Hdf5Reader(H5File.Open(new StackGuardedStream(stream), leaveOpen: false), source, length);
        }
        catch (Exception e) when (IsFormatError(e))
        {
            throw DataFormatException.InFile(source, "an HDF5 file", Describe(e));
        }
    }

    public void Dispose() => file.Dispose();

    public IH5Group Root => file;

    /// <summary>Whether a group or dataset exists at <paramref name="path"/> (every intermediate link is checked).</summary>
    public bool Exists(string path) => Guard(path, () => Resolve(path) is not null);

    public IH5Group Group(string path) => Guard(path, () => Find(path) as IH5Group)
        ?? throw DataFormatException.AtField(Source, $"object '{path}'", "a group", "a dataset");

    /// <summary>Each group's children by name, listed once: PureHDF finds a name by walking the group's links, which in a
    /// group of hundreds (a Keras weights file's "layers") made every lookup a scan, and loading DenseNet121's weights
    /// take a minute.</summary>
    private readonly Dictionary<string, Dictionary<string, IH5Object>> childrenByGroup = new(StringComparer.Ordinal);

    /// <summary>The object at <paramref name="path"/>, or null when a link on the way is missing.</summary>
    private IH5Object? Resolve(string path)
    {
        IH5Object current = file;
        string currentPath = "";
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (current is not IH5Group group) return null;
            if (!Listing(group, currentPath).TryGetValue(part, out var next)) return null;
            current = next;
            currentPath = currentPath.Length == 0 ? part : $"{currentPath}/{part}";
        }
        return current;
    }

    /// <summary>The children of the group at <paramref name="groupPath"/> (its normalized path, the key), listed once.</summary>
    private Dictionary<string, IH5Object> Listing(IH5Group group, string groupPath)
    {
        if (!childrenByGroup.TryGetValue(groupPath, out var children))
        {
            children = new Dictionary<string, IH5Object>(StringComparer.Ordinal);
            SoftLinkCycles.Refuse(group, groupPath, Source);
            foreach (var child in group.Children()) children[child.Name] = child;
            childrenByGroup[groupPath] = children;
        }
        return children;
    }

    /// <summary>The object at <paramref name="path"/>; a missing one throws (turned by <see cref="Guard{T}"/> into an
    /// error naming it).</summary>
    private IH5Object Find(string path) => Resolve(path) ?? throw new KeyNotFoundException($"No object at '{path}'.");

    /// <summary>The names of a group's children that are datasets and groups.</summary>
    public (List<string> Datasets, List<string> Groups) Children(string path) => Guard(path, () =>
    {
        var datasets = new List<string>();
        var groups = new List<string>();
        foreach (var child in Listing(Group(path), string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries))).Values)
            (child is IH5Dataset ? datasets : groups).Add(child.Name);
        return (datasets, groups);
    });

    /// <summary>The dataset's shape, read from its dataspace (no data is read); a scalar has shape [].</summary>
    public int[] Shape(string path) => Guard(path, () =>
    {
        var space = Dataset(path).Space;
        if (space.Type == H5DataspaceType.Null) return [0];
        return space.Dimensions.Select(d => d <= int.MaxValue ? (int)d
            : throw DataFormatException.AtField(Source, $"dataset '{path}'", "dimensions below 2^31", $"{d}")).ToArray();
    });

    /// <summary>A float dataset whose shape must be <paramref name="expectedShape"/>: checked before its data is read.</summary>
    public float[] ReadFloats(string path, int[] expectedShape) => Guard(path, () =>
    {
        var shape = Shape(path);
        if (!Tensor.SameShape(shape, expectedShape))
            throw DataFormatException.AtField(Source, $"dataset '{path}'", $"shape {Tensor.ShapeString(expectedShape)}", Tensor.ShapeString(shape));
        var dataset = Dataset(path);
        var type = dataset.Type;
        float[] values = (type.Class, type.Size) switch
        {
            (H5DataTypeClass.FloatingPoint, 4) => dataset.Read<float[]>(),
            (H5DataTypeClass.FloatingPoint, 8) => Array.ConvertAll(dataset.Read<double[]>(), d => (float)d),
            // Keras keeps a few counters among the weights as integers (Normalization's count).
            (H5DataTypeClass.FixedPoint, 8) => Array.ConvertAll(dataset.Read<long[]>(), v => (float)v),
            (H5DataTypeClass.FixedPoint, 4) => Array.ConvertAll(dataset.Read<int[]>(), v => (float)v),
            _ => throw DataFormatException.AtField(Source, $"dataset '{path}'", "float32 or float64 values", DescribeType(type)),
        };
        long expected = Tensor.ElementCount(expectedShape);
        if (values.Length != expected)
            throw DataFormatException.AtField(Source, $"dataset '{path}'", $"{expected} values", $"{values.Length}");
        return values;
    });

    /// <summary>A scalar (or one-element) integer dataset, such as an optimizer's iteration count.</summary>
    public long ReadInteger(string path) => Guard(path, () =>
    {
        var dataset = Dataset(path);
        var type = dataset.Type;
        if (Tensor.ElementCount(Shape(path)) != 1 || type.Class != H5DataTypeClass.FixedPoint)
            throw DataFormatException.AtField(Source, $"dataset '{path}'", "one integer", $"{DescribeType(type)} of shape {Tensor.ShapeString(Shape(path))}");
        return (type.Size, type.FixedPoint.IsSigned) switch
        {
            (8, true) => dataset.Read<long[]>()[0],
            (4, true) => dataset.Read<int[]>()[0],
            (8, false) => checked((long)dataset.Read<ulong[]>()[0]),
            (4, false) => dataset.Read<uint[]>()[0],
            _ => throw DataFormatException.AtField(Source, $"dataset '{path}'", "a 32- or 64-bit integer", DescribeType(type)),
        };
    });

    /// <summary>A string attribute (fixed or variable length), or null when the object has none.</summary>
    public string? StringAttribute(string objectPath, string name) => Guard($"{objectPath}@{name}", () =>
    {
        var owner = objectPath is "" or "/" ? (IH5Object)file : Find(objectPath);
        if (!owner.AttributeExists(name)) return null;
        var attribute = owner.Attribute(name);
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw DataFormatException.AtField(Source, $"attribute '{name}' of '{objectPath}'", "a string", DescribeType(attribute.Type));
        if (attribute.Space.Type == H5DataspaceType.Scalar) return attribute.Read<string>();
        CheckEntries(attribute, name, objectPath);
        return attribute.Read<string[]>().FirstOrDefault();
    });

    /// <summary>A string-array attribute such as Keras's <c>weight_names</c>; Keras writes an empty one as an empty
    /// float64 array. Null when absent.</summary>
    public string[]? StringArrayAttribute(string objectPath, string name) => Guard($"{objectPath}@{name}", () =>
    {
        var owner = objectPath is "" or "/" ? (IH5Object)file : Find(objectPath);
        if (!owner.AttributeExists(name)) return null;
        var attribute = owner.Attribute(name);
        bool empty = attribute.Space.Type == H5DataspaceType.Null || attribute.Space.Dimensions.Any(d => d == 0);
        if (empty) return [];
        if (attribute.Type.Class is not (H5DataTypeClass.String or H5DataTypeClass.VariableLength))
            throw DataFormatException.AtField(Source, $"attribute '{name}' of '{objectPath}'", "a list of strings", DescribeType(attribute.Type));
        CheckEntries(attribute, name, objectPath);
        string[] values = attribute.Space.Type == H5DataspaceType.Scalar ? [attribute.Read<string>()] : attribute.Read<string[]>();
        // PureHDF returns null for an entry whose heap reference is damaged.
        int missing = Array.FindIndex(values, v => v is null);
        if (missing >= 0)
            throw DataFormatException.AtField(Source, $"attribute '{name}' of '{objectPath}'", "a list of strings", $"no string at index {missing}");
        return values;
    });

    /// <summary>Refuses a string attribute that claims more entries than its file has bytes, before PureHDF allocates
    /// the list: a damaged dataspace can claim billions of entries in a small file.</summary>
    private void CheckEntries(IH5Attribute attribute, string name, string objectPath)
    {
        ulong entries = 1;
        foreach (ulong d in attribute.Space.Dimensions)
            entries = d == 0 ? 0 : entries <= (ulong)fileLength / d ? entries * d : ulong.MaxValue;
        if (entries > (ulong)fileLength)
            throw DataFormatException.AtField(Source, $"attribute '{name}' of '{objectPath}'", $"at most one string per byte of the file ({fileLength})",
                $"{string.Join(" x ", attribute.Space.Dimensions)} strings");
    }

    private IH5Dataset Dataset(string path) => Find(path) as IH5Dataset
        ?? throw DataFormatException.AtField(Source, $"object '{path}'", "a dataset", "a group");

    /// <summary>Runs one read, turning whatever a damaged file makes PureHDF throw into an error naming the object.</summary>
    private T Guard<T>(string objectPath, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (IsFormatError(e))
        {
            throw DataFormatException.AtField(Source, $"object '{objectPath}'", "a readable HDF5 object", Describe(e));
        }
    }

    /// <summary>Everything PureHDF throws on a damaged file, an <see cref="OutOfMemoryException"/> included: the datasets this
    /// reader reads are checked against the model's shapes (and the weight budget) first, so an allocation too large for
    /// memory comes from a damaged length or count in the file's structure (a link name of 2^31 bytes in a 6 KB file).</summary>
    private static bool IsFormatError(Exception e) => e is not (DataFormatException or OperationCanceledException);

    /// <remarks>PureHDF's internal members read by reflection (<see cref="SoftLinkCycles"/>) throw wrapped: the
    /// failure described is the inner one.</remarks>
    private static string Describe(Exception e) => e switch
    {
        System.Reflection.TargetInvocationException { InnerException: { } inner } => Describe(inner),
        OutOfMemoryException => $"a length or count larger than memory can hold ({e.GetType().Name}: {e.Message})",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    internal static string DescribeType(IH5DataType type) => $"{type.Class} of {type.Size} bytes";
}
