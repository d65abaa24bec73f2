using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TorchSharp;

namespace Nabla.TorchParity.Support;

/// <summary>
/// Makes libtorch load before any test touches TorchSharp, on any Linux the project runs on.
/// TorchSharp 0.107's native shim (libLibTorchSharp.so) asks for GLIBCXX_3.4.32, which Debian 12's libstdc++
/// lacks; <c>../shared/tools/torchsharp-debian12.sh</c> patches every copy of the shim under this test
/// assembly's output folder and prints a tiny library defining the one symbol that needed the new version.
/// That library is loaded with RTLD_GLOBAL so the patched shim's unversioned reference resolves to it
/// (the in-process equivalent of LD_PRELOAD). With a new enough libstdc++ the script prints nothing and
/// nothing is preloaded. Any failure throws <see cref="TorchUnavailableException"/> with what was tried, so
/// every parity test fails loudly instead of passing without comparing anything.
/// </summary>
public static class TorchRuntime
{
    private static readonly Lazy<string> Loaded = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Loads libtorch once (thread-safe); throws the same clear error on every call if it cannot.</summary>
    public static void EnsureLoaded()
    {
        _ = Loaded.Value;
    }

    /// <summary>What was done to load libtorch ("no patch needed" or the preloaded library).</summary>
    public static string Description => Loaded.Value;

    private static string Load()
    {
        if (!OperatingSystem.IsLinux())
        {
            InitializeTorch();
            return "not Linux: TorchSharp loaded as shipped";
        }
        string output = AppContext.BaseDirectory;
        string script = PatchScriptPath();
        // Without the shared tool (a checkout without ../shared) the shim can still load where libstdc++ is new
        // enough; where it is not, the error below says the tool was missing.
        bool haveScript = File.Exists(script);
        string preload = haveScript ? RunPatchScript(script, output) : "";
        if (preload.Length > 0) PreloadGlobally(preload);
        try
        {
            InitializeTorch();
        }
        catch (Exception e)
        {
            string patching = haveScript
                ? $"after running {script} (preloaded: {(preload.Length > 0 ? preload : "nothing, the script found libstdc++ new enough")})"
                : $"without patching its native shim: {script}, which makes TorchSharp 0.107 load on Debian 12's libstdc++, is missing";
            throw new TorchUnavailableException(
                $"TorchSharp could not load libtorch from {output} {patching}. " +
                $"Check `ldd {output}runtimes/linux-x64/native/libLibTorchSharp.so` for a missing library or symbol version. " +
                $"TorchSharp said: {e.GetBaseException().Message}", e);
        }
        return preload.Length > 0 ? $"shim patched, {preload} loaded globally" : "no patch needed";
    }

    // Kept out of Load so that no TorchSharp type is touched (and no static constructor runs) before the preload.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void InitializeTorch()
    {
        torch.InitializeDeviceType(DeviceType.CPU);
        torch.set_num_threads(1); // the tensors here are tiny; one thread keeps reductions in one order
    }

    /// <summary>The shared tool beside the repository: ../shared/tools/torchsharp-debian12.sh from the folder holding Nabla.sln.</summary>
    private static string PatchScriptPath() =>
        Path.GetFullPath(Path.Combine(RepositoryRoot.Find(), "..", "shared", "tools", "torchsharp-debian12.sh"));

    private static string RunPatchScript(string script, string buildDir)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(buildDir);
        using var process = Process.Start(info)
            ?? throw new TorchUnavailableException($"Could not start bash to run {script}.");
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TorchUnavailableException($"{script} {buildDir} did not finish within 5 minutes (apt-get install patchelf?).");
        }
        if (process.ExitCode != 0)
            throw new TorchUnavailableException(
                $"{script} {buildDir} failed with exit code {process.ExitCode}: {stderr.Result.Trim()} {stdout.Trim()}".Trim());
        string preload = stdout.Trim();
        if (preload.Length > 0 && !File.Exists(preload))
            throw new TorchUnavailableException($"{script} printed '{preload}', which is not a file.");
        return preload;
    }

    private const int RtldNow = 0x2, RtldGlobal = 0x100;

    [DllImport("libc.so.6", EntryPoint = "dlopen")]
    private static extern IntPtr DlOpen(string fileName, int flags);

    [DllImport("libc.so.6", EntryPoint = "dlerror")]
    private static extern IntPtr DlError();

    // The library lives in /tmp, shared by every checkout on the machine: another test run may be compiling it
    // at this moment, so a failed dlopen is retried briefly before it counts.
    private static void PreloadGlobally(string library)
    {
        string reason = "";
        for (int attempt = 0; attempt < 5; attempt++)
        {
            if (DlOpen(library, RtldNow | RtldGlobal) != IntPtr.Zero) return;
            reason = Marshal.PtrToStringAnsi(DlError()) ?? "no dlerror message";
            Thread.Sleep(500);
        }
        throw new TorchUnavailableException($"dlopen({library}, RTLD_NOW | RTLD_GLOBAL) failed: {reason}");
    }
}

/// <summary>libtorch could not be loaded: the parity tests cannot compare anything and must fail.</summary>
public sealed class TorchUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
