using Nabla.Configuration;
using Nabla.Regularizers;

namespace Nabla.Layers;

/// <summary>Keras's <c>ActivityRegularization</c>: passes its input through and adds l1·Σ|x| + l2·Σx² of it to the loss
/// (keras/src/layers/regularization/activity_regularization.py; defaults 0 and 0).</summary>
public sealed class ActivityRegularization : Layer
{
    public ActivityRegularization(double l1 = 0, double l2 = 0, int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        ActivityRegularizer = Regularizer.L1L2(l1, l2);
    }

    public override string ClassName => "ActivityRegularization";

    /// <summary>Passes a timestep mask through, as Keras (supports_masking).</summary>
    public override bool SupportsMasking => true;

    public double L1 => ActivityRegularizer?.L1 ?? 0;

    public double L2 => ActivityRegularizer?.L2 ?? 0;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return inputs;
    }

    /// <summary>Keras's keys: l1 and l2 in place of the activity regularizer they make.</summary>
    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config.Remove("activity_regularizer");
        config["l1"] = L1;
        config["l2"] = L2;
        return config;
    }

    public static ActivityRegularization FromConfig(Config config)
    {
        var (name, inputShape) = BaseArgs(config);
        return new ActivityRegularization(config.GetDouble("l1", 0), config.GetDouble("l2", 0), inputShape, name);
    }
}
