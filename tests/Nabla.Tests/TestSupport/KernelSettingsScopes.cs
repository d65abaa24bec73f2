using Nabla.Kernels;

namespace Nabla.Tests.TestSupport;

/// <summary>
/// Runs test code under other process-wide kernel settings and restores them whatever happens. Tests that use
/// these run in the <c>KernelSettingsTests</c> collection, so no other settings test runs meanwhile.
/// </summary>
internal static class KernelSettingsScopes
{
    public static void WithMaxThreads(int threads, Action action)
    {
        int saved = KernelSettings.MaxThreads;
        KernelSettings.MaxThreads = threads;
        try { action(); }
        finally { KernelSettings.MaxThreads = saved; }
    }

    public static void WithPath(GemmPath path, Action action)
    {
        var saved = KernelSettings.ForcedPath;
        KernelSettings.ForcedPath = path;
        try { action(); }
        finally { KernelSettings.ForcedPath = saved; }
    }
}
