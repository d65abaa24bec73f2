namespace Nabla.TorchParity.Support;

internal static class RepositoryRoot
{
    /// <summary>The folder holding Nabla.sln, found by walking up from the test assembly's folder.</summary>
    public static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }
}
