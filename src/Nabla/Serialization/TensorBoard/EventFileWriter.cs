using Nabla.Configuration;
using Google.Protobuf;
using Nabla.Serialization.TensorBoard.Proto;

namespace Nabla.Serialization.TensorBoard;

/// <summary>
/// Appends events to <c>{directory}/events.out.tfevents.{unix time}.{host}.{pid}.v2</c>, the file name
/// TensorFlow 2's summary writer uses. Unlike Nabla's other files this one is not written atomically:
/// TensorBoard tails event files while training runs, and a torn last record is caught by its CRCs.
/// </summary>
internal sealed class EventFileWriter : IDisposable
{
    /// <summary>The version string TensorFlow writes as the first event of every file.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly FileStream stream;
    private byte[] buffer = new byte[256];

    public EventFileWriter(string directory)
    {
        Directory.CreateDirectory(directory);
        string stem = $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}.{Environment.MachineName}.{Environment.ProcessId}";
        // Two writers in one folder within the same second would share a name; number the later ones.
        string path = System.IO.Path.Combine(directory, stem + ".v2");
        for (int n = 1; File.Exists(path); n++) path = System.IO.Path.Combine(directory, $"{stem}.{n}.v2");
        stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Path = path;
        Write(new Event { WallTime = Now(), FileVersion = FileVersion });
        Flush();
    }

    public string Path { get; }

    public void WriteScalar(string tag, long step, double value) =>
        Write(new Event
        {
            WallTime = Now(),
            Step = step,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, SimpleValue = (float)value } } },
        });

    public void WriteHistogram(string tag, long step, ReadOnlySpan<float> values) =>
        Write(new Event
        {
            WallTime = Now(),
            Step = step,
            Summary = new Summary { Value = { new Summary.Types.Value { Tag = tag, Histo = Histogram.From(values) } } },
        });

    /// <summary>Pushes buffered events to the file so a running TensorBoard sees them.</summary>
    public void Flush() => stream.Flush(flushToDisk: false);

    public void Dispose() => stream.Dispose();

    private void Write(Event e)
    {
        int size = e.CalculateSize();
        if (buffer.Length < size) buffer = new byte[Math.Max(size, 2 * buffer.Length)];
        e.WriteTo(buffer.AsSpan(0, size));
        TfRecord.Write(stream, buffer.AsSpan(0, size));
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
}
