using Nabla.Configuration;

namespace Nabla.Tests.TestSupport;

/// <summary>
/// Tests that change <see cref="KerasConfig.ImageDataFormat"/>, which every layer built without a data_format reads,
/// in any test class: they run alone, so no test running beside them builds its layers under their setting, and
/// <see cref="With"/> puts the setting back whatever happens.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ImageDataFormatCollection
{
    public const string Name = "KerasConfig.ImageDataFormat";

    /// <summary>Runs <paramref name="body"/> with the setting at <paramref name="dataFormat"/>, then restores the
    /// value it had.</summary>
    public static void With(string dataFormat, Action body)
    {
        string saved = KerasConfig.ImageDataFormat;
        KerasConfig.SetImageDataFormat(dataFormat);
        try { body(); }
        finally { KerasConfig.ImageDataFormat = saved; }
    }
}
