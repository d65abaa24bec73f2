namespace Nabla.Configuration;

/// <summary>
/// Keras's process-wide settings (<c>keras.config</c>, in Keras 2 <c>keras.backend</c>) that Nabla honours.
/// Nabla does not read <c>~/.keras/keras.json</c> (nor <c>$KERAS_HOME/keras.json</c>): every setting starts at Keras's
/// default and changes only when the program sets it.
/// </summary>
public static class KerasConfig
{
    /// <summary>Images, sequences and volumes hold their channels last: [batch, spatial..., channels].</summary>
    public const string ChannelsLast = "channels_last";

    /// <summary>Images, sequences and volumes hold their channels first: [batch, channels, spatial...].</summary>
    public const string ChannelsFirst = "channels_first";

    // Volatile: a layer built on one thread sees the value another thread set last, never a stale copy.
    private static volatile string imageDataFormat = ChannelsLast;

    /// <summary>
    /// Keras's <c>image_data_format</c> (<c>keras.config.image_data_format()</c> / <c>set_image_data_format</c>):
    /// the <c>data_format</c> of every layer built without one (<c>data_format=None</c> in Keras), "channels_last"
    /// unless set to "channels_first". A layer resolves it once, when it is constructed (or read from a config that
    /// leaves its data_format out), and keeps and writes the resolved value, so changing it later leaves existing
    /// layers and models as they were. Process-wide, as in Keras: it applies to every thread. Unlike Keras, Nabla does
    /// not take it from <c>~/.keras/keras.json</c>; set it in code. Any other value throws an
    /// <see cref="ArgumentException"/> that names it and the two valid values.
    /// </summary>
    public static string ImageDataFormat
    {
        get => imageDataFormat;
        set => imageDataFormat = CheckImageDataFormat(value, "KerasConfig.ImageDataFormat", nameof(ImageDataFormat));
    }

    /// <summary>Keras's <c>keras.config.set_image_data_format(data_format)</c>: sets <see cref="ImageDataFormat"/>.</summary>
    public static void SetImageDataFormat(string dataFormat) =>
        imageDataFormat = CheckImageDataFormat(dataFormat, "SetImageDataFormat: 'dataFormat'", nameof(dataFormat));

    /// <summary>"channels_last" or "channels_first" when <paramref name="dataFormat"/> is one of them in any case (Keras
    /// lowercases the name first); otherwise an <see cref="ArgumentException"/> for <paramref name="parameter"/> that says
    /// what <paramref name="what"/> must be and what was found.</summary>
    internal static string CheckImageDataFormat(string? dataFormat, string what, string parameter) => dataFormat?.ToLowerInvariant() switch
    {
        ChannelsLast => ChannelsLast,
        ChannelsFirst => ChannelsFirst,
        _ => throw new ArgumentException($"{what} must be \"{ChannelsLast}\" or \"{ChannelsFirst}\", found {Config.Describe(dataFormat)}.", parameter),
    };
}
