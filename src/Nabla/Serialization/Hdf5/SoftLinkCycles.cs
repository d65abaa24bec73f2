using System.Reflection;
using Nabla.Data;
using PureHDF;

namespace Nabla.Serialization.Hdf5;

/// <summary>
/// Refuses a group whose soft links lead back to themselves within the group ("x" -> "x", or "x" -> "y" -> "x"), before
/// PureHDF lists its children. PureHDF resolves a soft link by looking its target up again in the same group, from the
/// group's header it keeps in memory, so such a cycle recurses without reading the file (where
/// <see cref="StackGuardedStream"/> would stop it) until the stack overflows and the process dies; a damaged weights
/// file showed it. Keras never writes soft links. PureHDF exposes no link types, so the group's link messages are read
/// through its internal members (checked by a test against the pinned version).
/// </summary>
internal static class SoftLinkCycles
{
    private const BindingFlags Internal = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    private static readonly Assembly PureHdf = typeof(H5File).Assembly;
    internal static readonly PropertyInfo? Header = PureHdf.GetType("PureHDF.VOL.Native.NativeObject")?.GetProperty("Header", Internal);
    internal static readonly PropertyInfo? Messages = PureHdf.GetType("PureHDF.VOL.Native.ObjectHeader")?.GetProperty("HeaderMessages", Internal);
    internal static readonly PropertyInfo? Data = PureHdf.GetType("PureHDF.VOL.Native.HeaderMessage")?.GetProperty("Data", Internal);
    internal static readonly Type? LinkMessage = PureHdf.GetType("PureHDF.VOL.Native.LinkMessage");
    internal static readonly PropertyInfo? LinkName = LinkMessage?.GetProperty("LinkName", Internal);
    internal static readonly PropertyInfo? LinkInfo = LinkMessage?.GetProperty("LinkInfo", Internal);
    internal static readonly PropertyInfo? SoftTarget = PureHdf.GetType("PureHDF.VOL.Native.SoftLinkInfo")?.GetProperty("Value", Internal);

    /// <summary>Throws when the group at <paramref name="groupPath"/> ("" for the root) holds a cycle of soft links.</summary>
    public static void Refuse(IH5Group group, string groupPath, string source)
    {
        var targets = SameGroupTargets(group, groupPath, source);
        foreach (string start in targets.Keys)
        {
            var chain = new List<string> { start };
            for (string? next = targets[start]; next is not null; next = targets.GetValueOrDefault(next))
            {
                chain.Add(next);
                if (next == start)
                    throw DataFormatException.AtField(source, Where(groupPath, start), "a link that leads to an object",
                        $"a cycle of soft links: {string.Join(" -> ", chain)}");
                if (chain.Count > targets.Count + 1) break;
            }
        }
    }

    /// <summary>Each soft link of the group whose target is another link of the same group, by name. An empty target, which
    /// HDF5 does not allow and PureHDF looks up as a link named "" (the damaged file's own empty-named link), is refused.</summary>
    private static Dictionary<string, string> SameGroupTargets(IH5Group group, string groupPath, string source)
    {
        var targets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Header?.GetValue(group) is not { } header || Messages?.GetValue(header) is not System.Collections.IEnumerable messages) return targets;
        foreach (var message in messages)
        {
            var data = message is null ? null : Data!.GetValue(message);
            if (data is null || !LinkMessage!.IsInstanceOfType(data)) continue;
            var info = LinkInfo!.GetValue(data);
            if (info is null || SoftTarget!.DeclaringType?.IsInstanceOfType(info) != true) continue;
            if (LinkName!.GetValue(data) is not string name || SoftTarget.GetValue(info) is not string target) continue;
            if (target.Length == 0)
                throw DataFormatException.AtField(source, Where(groupPath, name), "a target path", "an empty one");
            if (InGroup(target, groupPath) is { } sibling) targets[name] = sibling;
        }
        return targets;
    }

    /// <summary>The name of the link <paramref name="target"/> points at when that link is in the group itself; null otherwise.</summary>
    private static string? InGroup(string target, string groupPath)
    {
        var parts = target.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Count == 0) return null;
        string parent = target.StartsWith('/') ? string.Join('/', parts.SkipLast(1)) : Join(groupPath, string.Join('/', parts.SkipLast(1)));
        return parent == groupPath.Trim('/') ? parts[^1] : null;
    }

    private static string Where(string groupPath, string name) =>
        $"soft link '{name}' in group '{(groupPath.Trim('/').Length == 0 ? "/" : groupPath.Trim('/'))}'";

    private static string Join(string a, string b) => a.Trim('/').Length == 0 ? b : b.Length == 0 ? a.Trim('/') : $"{a.Trim('/')}/{b}";
}
