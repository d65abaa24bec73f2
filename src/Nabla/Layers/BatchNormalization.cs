using Nabla.Autograd;
using Nabla.Initializers;
using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>BatchNormalization</c> over the last axis. Training normalizes with the batch's mean and
/// (biased) variance and moves the running statistics: moving = moving·momentum + batch·(1 − momentum).
/// Inference uses the running statistics. Keras defaults: momentum 0.99, epsilon 1e-3, center and scale on.
/// </summary>
public sealed class BatchNormalization : Layer
{
    /// <summary>Keras's default momentum of the moving statistics.</summary>
    public const double DefaultMomentum = 0.99;

    public BatchNormalization(double momentum = DefaultMomentum, double epsilon = 1e-3, bool center = true, bool scale = true,
        int[]? inputShape = null, string? name = null) : base(name, inputShape)
    {
        if (!(momentum >= 0 && momentum <= 1))
            throw new ArgumentException($"BatchNormalization 'momentum' must be in [0, 1], found {momentum}.", nameof(momentum));
        if (!(epsilon > 0))
            throw new ArgumentException($"BatchNormalization 'epsilon' must be positive, found {epsilon}.", nameof(epsilon));
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
    }

    public override string ClassName => "BatchNormalization";

    private protected override string? UnsupportedMaskUse => "its batch moments (masked timesteps are excluded)";

    public double Momentum { get; }

    public double Epsilon { get; }

    public bool Center { get; }

    public bool Scale { get; }

    internal Tensor Gamma { get; private set; } = null!;
    internal Tensor Beta { get; private set; } = null!;
    internal Tensor MovingMean { get; private set; } = null!;
    internal Tensor MovingVariance { get; private set; } = null!;

    public override int[] ComputeOutputShape(int[] inputShape) => inputShape;

    protected override void BuildWeights(int[] inputShape)
    {
        int features = inputShape[^1];
        var zeros = Initializer.Get("zeros");
        var ones = Initializer.Get("ones");
        // Without center/scale Keras creates no beta/gamma; constants stand in so the op stays one shape.
        Gamma = Scale ? AddWeight("gamma", [features], ones) : Tensor.Full(1f, features);
        Beta = Center ? AddWeight("beta", [features], zeros) : new Tensor(features);
        MovingMean = AddWeight("moving_mean", [features], zeros, trainable: false);
        MovingVariance = AddWeight("moving_variance", [features], ones, trainable: false);
    }

    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        return Op.Record(new BatchNormOp(inputs, this, training));
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["axis"] = -1L;
        config["momentum"] = Momentum;
        config["epsilon"] = Epsilon;
        config["center"] = Center;
        config["scale"] = Scale;
        config["beta_initializer"] = new Config { ["class_name"] = "Zeros", ["config"] = new Config() };
        config["gamma_initializer"] = new Config { ["class_name"] = "Ones", ["config"] = new Config() };
        config["moving_mean_initializer"] = new Config { ["class_name"] = "Zeros", ["config"] = new Config() };
        config["moving_variance_initializer"] = new Config { ["class_name"] = "Ones", ["config"] = new Config() };
        return config;
    }

    public static BatchNormalization FromConfig(Config config)
    {
        RefuseUnsupported(config, "BatchNormalization", "beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint");
        var (name, inputShape) = BaseArgs(config);
        return new BatchNormalization(config.GetDouble("momentum", DefaultMomentum), config.GetDouble("epsilon", 1e-3),
            config.GetBool("center", true), config.GetBool("scale", true), inputShape, name);
    }
}

/// <summary>Batch normalization's forward and backward over the last axis (features).</summary>
internal sealed class BatchNormOp : Op
{
    private readonly BatchNormalization layer;
    private readonly bool training;
    private readonly int rows, features;
    private readonly float[] mean, invStd, normalized;

    public BatchNormOp(Tensor x, BatchNormalization layer, bool training)
        : base([x, layer.Gamma, layer.Beta], x.Shape)
    {
        this.layer = layer;
        this.training = training;
        features = x.Shape[^1];
        rows = x.Size / features;
        mean = new float[features];
        invStd = new float[features];
        normalized = new float[x.Size];
    }

    public override string Name => "batch_normalization";

    public override void Forward()
    {
        var x = Inputs[0].Data;
        var gamma = Inputs[1].Data;
        var beta = Inputs[2].Data;
        float epsilon = (float)layer.Epsilon;
        if (training) ComputeBatchStatistics(x, epsilon);
        else
            for (int f = 0; f < features; f++)
            {
                mean[f] = layer.MovingMean.Data[f];
                invStd[f] = 1f / MathF.Sqrt(layer.MovingVariance.Data[f] + epsilon);
            }
        var y = Output.Data;
        for (int r = 0; r < rows; r++)
            for (int f = 0; f < features; f++)
            {
                int i = r * features + f;
                normalized[i] = (x[i] - mean[f]) * invStd[f];
                y[i] = gamma[f] * normalized[i] + beta[f];
            }
    }

    private void ComputeBatchStatistics(float[] x, float epsilon)
    {
        float momentum = (float)layer.Momentum;
        for (int f = 0; f < features; f++)
        {
            double sum = 0;
            for (int r = 0; r < rows; r++) sum += x[r * features + f];
            double mu = sum / rows;
            double squares = 0;
            for (int r = 0; r < rows; r++)
            {
                double d = x[r * features + f] - mu;
                squares += d * d;
            }
            float variance = (float)(squares / rows);
            mean[f] = (float)mu;
            invStd[f] = 1f / MathF.Sqrt(variance + epsilon);
            layer.MovingMean.Data[f] = layer.MovingMean.Data[f] * momentum + mean[f] * (1 - momentum);
            layer.MovingVariance.Data[f] = layer.MovingVariance.Data[f] * momentum + variance * (1 - momentum);
        }
    }

    public override void Backward()
    {
        var dy = Output.Grad!.Data;
        var gamma = Inputs[1].Data;
        for (int f = 0; f < features; f++)
        {
            double sumDy = 0, sumDyXhat = 0;
            for (int r = 0; r < rows; r++)
            {
                int i = r * features + f;
                sumDy += dy[i];
                sumDyXhat += dy[i] * normalized[i];
            }
            if (NeedsGrad(1)) Inputs[1].Grad!.Data[f] += (float)sumDyXhat;
            if (NeedsGrad(2)) Inputs[2].Grad!.Data[f] += (float)sumDy;
            if (!NeedsGrad(0)) continue;
            var dx = Inputs[0].Grad!.Data;
            float g = gamma[f] * invStd[f];
            if (!training)
            {
                for (int r = 0; r < rows; r++) dx[r * features + f] += g * dy[r * features + f];
                continue;
            }
            // dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)): the batch statistics depend on x too.
            float meanDy = (float)(sumDy / rows), meanDyXhat = (float)(sumDyXhat / rows);
            for (int r = 0; r < rows; r++)
            {
                int i = r * features + f;
                dx[i] += g * (dy[i] - meanDy - normalized[i] * meanDyXhat);
            }
        }
    }
}
