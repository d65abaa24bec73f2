using PureHDF;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>An HDF5 file's structure read back with PureHDF: every group and dataset by path, with datasets' type
/// and shape and objects' attributes (type and, for strings, value), for comparing what Nabla writes to what Keras wrote.</summary>
internal static class Hdf5Tree
{
    public static SortedDictionary<string, string> Describe(Stream stream)
    {
        using var file = H5File.Open(stream, leaveOpen: true);
        var tree = new SortedDictionary<string, string>(StringComparer.Ordinal);
        Walk(file, "", tree);
        return tree;
    }

    public static SortedDictionary<string, string> Describe(byte[] bytes) => Describe(new MemoryStream(bytes));

    private static void Walk(IH5Group group, string path, SortedDictionary<string, string> tree)
    {
        tree[path.Length == 0 ? "/" : path] = "group" + Attributes(group);
        foreach (var child in group.Children())
        {
            string childPath = path.Length == 0 ? child.Name : $"{path}/{child.Name}";
            if (child is IH5Group g) Walk(g, childPath, tree);
            else if (child is IH5Dataset d)
                tree[childPath] = $"dataset {d.Type.Class}{d.Type.Size} {d.Space.Type} [{string.Join(",", d.Space.Dimensions)}] {d.Layout.Class}" + Attributes(d);
        }
    }

    private static string Attributes(IH5Object obj) => string.Concat(obj.Attributes().OrderBy(a => a.Name, StringComparer.Ordinal).Select(a =>
        $" @{a.Name}:{a.Type.Class}{(a.Type.Class == H5DataTypeClass.VariableLength ? "" : a.Type.Size.ToString())}/{a.Space.Type}" +
        (a.Type.Class is H5DataTypeClass.VariableLength or H5DataTypeClass.String && a.Space.Type == H5DataspaceType.Scalar ? $"='{a.Read<string>()}'" : "")));

    /// <summary>The model.weights.h5 entry of a .keras archive.</summary>
    public static byte[] WeightsEntry(string kerasPath)
    {
        using var zip = System.IO.Compression.ZipFile.OpenRead(kerasPath);
        using var stream = zip.GetEntry("model.weights.h5")!.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
