using Nabla.Callbacks;

namespace Nabla.Tests.Callbacks;

/// <summary>Replays a scripted sequence of monitored values, so the callbacks' rules can be checked exactly.</summary>
internal sealed class Script(string key, double[] values) : Callback
{
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
        ((Dictionary<string, double>)logs)[key] = values[epoch];
}
