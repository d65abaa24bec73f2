using System.Runtime.CompilerServices;

namespace Nabla.TorchParity.Support;

internal static class LoadTorchFirst
{
    /// <summary>
    /// Loads libtorch when the test assembly loads, before any test can touch a TorchSharp type: TorchSharp
    /// tries to load its native shim on first use and never retries, so one test that built a tensor before the
    /// shim was patched would break every other. A failure is kept and rethrown by each
    /// <see cref="TorchRuntime.EnsureLoaded"/> call with its full explanation.
    /// </summary>
#pragma warning disable CA2255 // a test assembly, not a library: running first is the point
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Run()
    {
        try
        {
            TorchRuntime.EnsureLoaded();
        }
        catch (TorchUnavailableException)
        {
            // Reported by every test through EnsureLoaded (the Lazy keeps the exception).
        }
    }
}
