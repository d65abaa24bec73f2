namespace Nabla.Tests.TestSupport;

/// <summary>Files of the repository, found from the test's base folder by walking up to Nabla.sln.</summary>
internal static class RepositoryPaths
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Nabla.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"No Nabla.sln above {AppContext.BaseDirectory}.");
    }

    /// <summary>The invented fuel-efficiency table (data/fuel/README.md).</summary>
    public static string FuelCsv() => Path.Combine(Root(), "data", "fuel", "fuel-invented.csv");
}
