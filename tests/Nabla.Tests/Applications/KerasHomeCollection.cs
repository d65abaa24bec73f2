using System.Security.Cryptography;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Applications;

/// <summary>Tests that point KERAS_HOME (a process-wide environment variable) at a folder of their own run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class KerasHomeCollection
{
    public const string Name = "KERAS_HOME";

    /// <summary>Runs <paramref name="body"/> with KERAS_HOME set to <paramref name="home"/>, restoring it afterwards and
    /// forgetting the stand-in files <see cref="WriteStandIn"/> let through.</summary>
    public static void With(string home, Action body)
    {
        string? saved = Environment.GetEnvironmentVariable("KERAS_HOME");
        Environment.SetEnvironmentVariable("KERAS_HOME", home);
        try { body(); }
        finally
        {
            Environment.SetEnvironmentVariable("KERAS_HOME", saved);
            Nabla.Applications.ImageNetHashesForTests.Clear();
        }
    }

    /// <summary>Writes <paramref name="source"/>'s weights in Keras 2's file layout at <paramref name="path"/>, a Keras
    /// file name in a temporary KERAS_HOME's models folder, as a stand-in for Keras's download: its own md5 becomes the
    /// hash the ImageNet check expects at that path (Keras's real hash would refuse it), until <see cref="With"/> ends.</summary>
    public static void WriteStandIn(Model source, string path)
    {
        KerasTwoWeightsFile.Write(source, path);
        Nabla.Applications.ImageNetHashesForTests[path] = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));
    }
}
