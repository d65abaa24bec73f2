using Nabla.Configuration;

namespace Nabla.Optimizers;

/// <summary>
/// Keras 3 <c>AdamW</c>: <see cref="Adam"/> with weight_decay required (default 0.004). The decay is Keras's
/// decoupled one from the base optimizer, applied before the Adam update of the same step:
/// <c>w −= w·weight_decay·lr</c>, then the Adam rule.
/// </summary>
public sealed class AdamW : Adam
{
    public AdamW(LearningRateOrSchedule? learningRate = null, double weightDecay = 0.004, double beta1 = 0.9,
        double beta2 = 0.999, double epsilon = 1e-7, bool amsgrad = false, double? clipNorm = null,
        double? clipValue = null, double? globalClipNorm = null, string name = "adamw")
        : base(learningRate, beta1, beta2, epsilon, amsgrad, weightDecay, clipNorm, clipValue, globalClipNorm, name)
    {
    }

    public override string ClassName => "AdamW";

    public static new AdamW FromConfig(Config config)
    {
        var c = ReadCommon(config, "AdamW", "beta_1", "beta_2", "epsilon", "amsgrad");
        config.RefuseNull("AdamW", "beta_1", "beta_2");
        // Keras: "Argument `weight_decay` must be a float. Received: weight_decay=None"
        if (config.ContainsKey("weight_decay") && c.WeightDecay is null)
            throw new ArgumentException("AdamW config: argument `weight_decay` must be a number. Received: weight_decay=None.");
        return new AdamW(c.LearningRate, c.WeightDecay ?? 0.004, config.GetDouble("beta_1", 0.9),
            config.GetDouble("beta_2", 0.999), config.GetDouble("epsilon", 1e-7), config.GetBool("amsgrad", false),
            c.ClipNorm, c.ClipValue, c.GlobalClipNorm, c.Name ?? "adamw");
    }
}
