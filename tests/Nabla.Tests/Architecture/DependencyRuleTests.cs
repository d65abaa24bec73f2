using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace Nabla.Tests.Architecture;

/// <summary>
/// Dependencies point one way: Kernels ← Tensors ← Autograd ← Layers, Activations, Initializers, Losses,
/// Optimizers, Metrics ← Models ← Doctor ← Reports/Cli ("A ← B": B may use A). Every type of the library and
/// of its front ends is placed on one tier; a type may use types on its own tier or below, never above.
/// docs/architecture.md explains the tiers.
/// </summary>
public class DependencyRuleTests
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Loaded = new(() => new ArchLoader()
        .LoadAssemblies(typeof(Tensor).Assembly, typeof(Nabla.Cli.Commands.CommandCatalog).Assembly, typeof(Nabla.Reports.HtmlReport).Assembly)
        .Build());

    /// <summary>Tiers by namespace, most specific prefix first. Types of the root namespace are placed by name.</summary>
    private static readonly (string Namespace, int Tier, string Name)[] Tiers =
    [
        ("Nabla.Kernels", 0, "Kernels"),
        ("Nabla.Configuration", 0, "Configuration"),
        ("Nabla.Serialization.TensorBoard", 3, "Serialization.TensorBoard (event file format)"),
        ("Nabla.Tensors", 1, "Tensors"),
        ("Nabla.Autograd", 2, "Autograd"),
        ("Nabla.Layers", 3, "Layers"),
        ("Nabla.Activations", 3, "Activations"),
        ("Nabla.Initializers", 3, "Initializers"),
        ("Nabla.Losses", 3, "Losses"),
        ("Nabla.Optimizers", 3, "Optimizers"),
        ("Nabla.Metrics", 3, "Metrics"),
        ("Nabla.Regularizers", 3, "Regularizers"),
        ("Nabla.Constraints", 3, "Constraints"),
        ("Nabla.Data", 3, "Data"),
        ("Nabla.Datasets", 3, "Datasets"),
        ("Nabla.Serialization.Safetensors", 3, "Serialization.Safetensors"),
        ("Nabla.Callbacks", 4, "Callbacks"),
        ("Nabla.Serialization", 5, "Serialization (file formats)"),
        ("Nabla.Doctor", 6, "Doctor"),
        ("Nabla.Diagnostics", 6, "Doctor"),
        ("Nabla.Reports", 7, "Reports"),
        ("Nabla.Cli", 7, "Cli"),
    ];

    /// <summary>The root namespace holds the user's first types: the differentiable Tensor (its operations record
    /// autograd ops, so it sits with Autograd), the random state, and the models.</summary>
    private static (int Tier, string Name) RootTier(string typeName) => typeName switch
    {
        "Tensor" or "TensorExtensions" => (2, "Autograd (Tensor)"),
        "RandomGenerator" or "Utils" => (0, "Utils"),
        _ => (4, "Models"),
    };

    private static (int Tier, string Name)? TierOf(IType type)
    {
        string ns = type.Namespace?.FullName ?? "";
        if (ns == "Nabla") return RootTier(TopLevelName(type));
        if (!ns.StartsWith("Nabla.", StringComparison.Ordinal)) return null; // the BCL and packages
        foreach (var (prefix, tier, name) in Tiers)
            if (ns == prefix || ns.StartsWith(prefix + ".", StringComparison.Ordinal)) return (tier, name);
        throw new InvalidOperationException($"Namespace {ns} (type {type.FullName}) has no tier: add it to DependencyRuleTests.Tiers.");
    }

    private static string TopLevelName(IType type)
    {
        string name = type.FullName[(type.Namespace?.FullName.Length + 1 ?? 0)..];
        int nested = name.IndexOf('+');
        if (nested >= 0) name = name[..nested];
        int generic = name.IndexOf('`');
        return generic >= 0 ? name[..generic] : name;
    }

    [Fact]
    public void NoTypeUsesATypeOnAHigherTier()
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Loaded.Value.Types)
        {
            if (type.FullName.StartsWith("Nabla.Serialization.Onnx.Proto", StringComparison.Ordinal)) continue;
            if (TierOf(type) is not { } from) continue;
            foreach (var dependency in type.Dependencies)
            {
                if (TierOf(dependency.Target) is not { } to || to.Tier <= from.Tier) continue;
                violations.Add($"{type.FullName} ({from.Name}) uses {dependency.Target.FullName} ({to.Name})");
            }
        }
        Assert.True(violations.Count == 0,
            $"{violations.Count} dependencies point up the tiers:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void EveryNamespaceHasATier()
    {
        foreach (var type in Loaded.Value.Types) TierOf(type);
    }
}
