using Nabla.Configuration;
using Google.Protobuf;
using Nabla.Data;
using Nabla.Serialization.TensorBoard.Proto;

namespace Nabla.Serialization.TensorBoard;

/// <summary>Reads a TensorBoard event file back (both CRCs of every record are checked): for tests and tools.</summary>
internal static class TensorBoardEvents
{
    public static List<Event> Read(string path)
    {
        var records = TfRecord.ReadAll(File.ReadAllBytes(path), path);
        var events = new List<Event>(records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            try { events.Add(Event.Parser.ParseFrom(records[i])); }
            catch (InvalidProtocolBufferException e)
            {
                throw DataFormatException.AtField(path, $"record {i}", "a serialized Event", $"undecodable bytes ({e.Message})");
            }
        }
        return events;
    }

    /// <summary>The scalar values of <paramref name="tag"/> in file order, as (step, value).</summary>
    public static List<(long Step, float Value)> Scalars(IEnumerable<Event> events, string tag) =>
        events.Where(e => e.Summary is not null)
            .SelectMany(e => e.Summary.Value.Where(v => v.Tag == tag && v.ValueCase == Summary.Types.Value.ValueOneofCase.SimpleValue)
                .Select(v => (e.Step, v.SimpleValue)))
            .ToList();
}
