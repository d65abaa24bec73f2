using Nabla.Activations;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>Keras's <c>ELU</c> layer: x for x &gt; 0, alpha·(eˣ − 1) otherwise; default alpha 1.0
/// (keras/src/layers/activations/elu.py).</summary>
public sealed class ELU(double alpha = Elu.DefaultAlpha, int[]? inputShape = null, string? name = null)
    : ActivationFunctionLayer(new Elu(alpha), inputShape, name)
{
    public override string ClassName => "ELU";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double Alpha => ((Elu)Function).Alpha;

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["alpha"] = Alpha;
        return config;
    }

    public static ELU FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        RefuseNull(config, "ELU", "alpha");
        return new ELU(config.GetDouble("alpha", Elu.DefaultAlpha), inputShape, name);
    }
}
