using Nabla.Configuration;

namespace Nabla.Initializers;

/// <summary>
/// A named VarianceScaling preset (GlorotUniform, HeNormal...). Keras writes presets under their own class
/// name with only <c>{"seed": ...}</c> as config.
/// </summary>
public abstract class VarianceScalingPreset(double scale, string mode, string distribution, long? seed)
    : VarianceScaling(scale, mode, distribution, seed)
{
    public override Config GetConfig() => SeedConfig();
}

/// <summary>U(±√(6/(fan_in+fan_out))): VarianceScaling(1, fan_avg, uniform). Keras's default kernel initializer.</summary>
public sealed class GlorotUniform(long? seed = null) : VarianceScalingPreset(1.0, "fan_avg", "uniform", seed)
{
    public override string ClassName => "GlorotUniform";
    public static new GlorotUniform FromConfig(Config config) => new(ReadSeedOnDefaultAxes(config, "GlorotUniform"));
}

/// <summary>Truncated normal with stddev √(2/(fan_in+fan_out)): VarianceScaling(1, fan_avg, truncated_normal).</summary>
public sealed class GlorotNormal(long? seed = null) : VarianceScalingPreset(1.0, "fan_avg", "truncated_normal", seed)
{
    public override string ClassName => "GlorotNormal";
    public static new GlorotNormal FromConfig(Config config) => new(ReadSeedOnDefaultAxes(config, "GlorotNormal"));
}

/// <summary>U(±√(6/fan_in)): VarianceScaling(2, fan_in, uniform).</summary>
public sealed class HeUniform(long? seed = null) : VarianceScalingPreset(2.0, "fan_in", "uniform", seed)
{
    public override string ClassName => "HeUniform";
    public static new HeUniform FromConfig(Config config) => new(ReadSeedOnDefaultAxes(config, "HeUniform"));
}

/// <summary>Truncated normal with stddev √(2/fan_in): VarianceScaling(2, fan_in, truncated_normal).</summary>
public sealed class HeNormal(long? seed = null) : VarianceScalingPreset(2.0, "fan_in", "truncated_normal", seed)
{
    public override string ClassName => "HeNormal";
    public static new HeNormal FromConfig(Config config) => new(ReadSeedOnDefaultAxes(config, "HeNormal"));
}

/// <summary>U(±√(3/fan_in)): VarianceScaling(1, fan_in, uniform).</summary>
public sealed class LecunUniform(long? seed = null) : VarianceScalingPreset(1.0, "fan_in", "uniform", seed)
{
    public override string ClassName => "LecunUniform";
    public static new LecunUniform FromConfig(Config config) => new(ReadSeedOnDefaultAxes(config, "LecunUniform"));
}

/// <summary>Truncated normal with stddev √(1/fan_in): VarianceScaling(1, fan_in, truncated_normal); SELU's partner.</summary>
public sealed class LecunNormal(long? seed = null) : VarianceScalingPreset(1.0, "fan_in", "truncated_normal", seed)
{
    public override string ClassName => "LecunNormal";
    public static new LecunNormal FromConfig(Config config) => new(ReadSeedOnDefaultAxes(config, "LecunNormal"));
}
