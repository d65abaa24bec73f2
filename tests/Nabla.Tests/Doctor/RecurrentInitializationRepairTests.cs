using Nabla.Configuration;
using Nabla.Doctor;

namespace Nabla.Tests.Doctor;

/// <summary>fix_initialization on a recurrent layer: the doctor offers it for a poorly initialized LSTM, so the repair
/// must be able to apply it (Keras's defaults: glorot_uniform input kernel, orthogonal recurrent kernel).</summary>
public class RecurrentInitializationRepairTests
{
    private static Config Normal(double stddev) => new()
    {
        ["class_name"] = "RandomNormal", ["config"] = new Config { ["mean"] = 0.0, ["stddev"] = stddev },
    };

    [Fact]
    public void A_poorly_initialized_lstm_gets_kerass_recurrent_initializers_back()
    {
        var e = ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", "healthy-lstm-adding20.json"));
        var lstm = e.LayerConfigs()[0].GetConfig("config")!;
        lstm["kernel_initializer"] = Normal(5);
        lstm["recurrent_initializer"] = Normal(5);
        var (changed, change) = Repairs.Apply(FixCodes.FixInitialization, e, e.BuildModel())!.Value;

        var repaired = changed.LayerConfigs()[0].GetConfig("config")!;
        Assert.Equal("GlorotUniform", repaired.GetConfig("kernel_initializer")!.GetString("class_name"));
        Assert.Equal("Orthogonal", repaired.GetConfig("recurrent_initializer")!.GetString("class_name"));
        Assert.Contains("RandomNormal -> glorot_uniform", change);
        Assert.Contains("recurrent RandomNormal -> orthogonal", change);
        // Inside a Bidirectional: the wrapped layer's config is edited (the backward copy is built from it).
        var wrapped = ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", "healthy-bidirectional-lstm-adding20.json"));
        var inner = wrapped.LayerConfigs()[0].GetConfig("config")!.GetConfig("layer")!.GetConfig("config")!;
        inner["recurrent_initializer"] = Normal(5);
        var (unwrapped, wrappedChange) = Repairs.Apply(FixCodes.FixInitialization, wrapped, wrapped.BuildModel())!.Value;
        Assert.Equal("Orthogonal", unwrapped.LayerConfigs()[0].GetConfig("config")!.GetConfig("layer")!.GetConfig("config")!
            .GetConfig("recurrent_initializer")!.GetString("class_name"));
        Assert.Contains("recurrent RandomNormal -> orthogonal", wrappedChange);
        // Keras's own recurrent initializers leave nothing to fix.
        var healthy = ExperimentFile.Load(Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", "healthy-lstm-adding20.json"));
        Assert.Null(Repairs.Apply(FixCodes.FixInitialization, healthy, healthy.BuildModel()));
    }
}
