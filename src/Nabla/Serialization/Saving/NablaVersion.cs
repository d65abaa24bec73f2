using Nabla.Configuration;
namespace Nabla.Serialization.Saving;

/// <summary>The library version written into saved files.</summary>
internal static class NablaVersion
{
    public static string Current { get; } =
        typeof(NablaVersion).Assembly.GetName().Version?.ToString(3) ?? "unknown";
}
