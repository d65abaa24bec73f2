namespace Nabla.Tests.Applications;

/// <summary>Tests that point KERAS_HOME (a process-wide environment variable) at a folder of their own run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KerasHomeCollection
{
    public const string Name = "KERAS_HOME";

    /// <summary>Runs <paramref name="body"/> with KERAS_HOME set to <paramref name="home"/>, restoring it afterwards.</summary>
    public static void With(string home, Action body)
    {
        string? saved = Environment.GetEnvironmentVariable("KERAS_HOME");
        Environment.SetEnvironmentVariable("KERAS_HOME", home);
        try { body(); }
        finally { Environment.SetEnvironmentVariable("KERAS_HOME", saved); }
    }
}
