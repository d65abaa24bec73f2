using Nabla.Autograd;
using Nabla.Autograd.Ops;
using Nabla.Configuration;
using Nabla.Initializers;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>GroupNormalization</c> (Wu and He, 2018) on channels-last inputs: the channels are split into
/// <c>groups</c> consecutive groups, each sample's values of a group (over every position) are normalized with their own
/// mean and biased variance, then scaled and shifted per channel. Keras defaults
/// (keras/src/layers/normalization/group_normalization.py): groups 32, axis -1, epsilon 1e-3, center and scale on.
/// groups = 1 normalizes each sample over everything, groups = channels each channel over its positions.
/// </summary>
public sealed class GroupNormalization : SampleNormalization
{
    public GroupNormalization(int groups = 32, double epsilon = 1e-3, bool center = true, bool scale = true, Initializer? betaInitializer = null,
        Initializer? gammaInitializer = null, int[]? inputShape = null, string? name = null, int axis = -1)
        : base(epsilon, center, scale, betaInitializer, gammaInitializer, inputShape, name)
    {
        if (groups < 1) throw new ArgumentException($"GroupNormalization '{Name}': 'groups' must be at least 1, found {groups}.", nameof(groups));
        Groups = groups;
        Axis = axis;
    }

    public override string ClassName => "GroupNormalization";

    public int Groups { get; }

    /// <summary>The channel axis, counted with the batch axis as 0 (negative from the end); it must be the last.</summary>
    public int Axis { get; }

    internal Tensor? Gamma { get; private set; }

    internal Tensor? Beta { get; private set; }

    public override int[] ComputeOutputShape(int[] inputShape)
    {
        if (inputShape.Length < 1)
            throw new ArgumentException($"Layer '{Name}' (GroupNormalization) needs inputs with a channel axis, found per-sample shape {Describe(inputShape)}.");
        TrailingAxes.Count([Axis], inputShape, Name);
        int channels = inputShape[^1];
        // Keras: "Number of groups cannot be more than the number of channels" and "must be a multiple of".
        if (Groups > channels || channels % Groups != 0)
            throw new ArgumentException(
                $"Layer '{Name}' (GroupNormalization): {channels} channels cannot be split into {Groups} equal groups.");
        return inputShape;
    }

    protected override void BuildWeights(int[] inputShape)
    {
        int channels = inputShape[^1];
        if (Scale) Constrain(Gamma = AddWeight("gamma", [channels], GammaInitializer, regularizer: GammaRegularizer), GammaConstraint);
        if (Center) Constrain(Beta = AddWeight("beta", [channels], BetaInitializer, regularizer: BetaRegularizer), BetaConstraint);
    }

    /// <summary>[batch, positions, groups, width] → rows of one sample's group, normalized as layer normalization does,
    /// then back, then the per-channel scale and shift.</summary>
    public override Tensor Call(Tensor inputs, bool training)
    {
        CheckInput(inputs);
        int batch = inputs.Shape[0], channels = inputs.Shape[^1], width = channels / Groups;
        int positions = inputs.Size / Math.Max(batch * channels, 1);
        var grouped = Tensor.Transpose(Tensor.Reshape(inputs, batch, positions, Groups, width), 0, 2, 1, 3);
        var rows = Tensor.Reshape(grouped, batch * Groups, positions * width);
        var normalized = Op.Record(new LayerNormOp(rows, Tensor.Full(1f, positions * width), new Tensor(positions * width), (float)Epsilon));
        var back = Tensor.Transpose(Tensor.Reshape(normalized, batch, Groups, positions, width), 0, 2, 1, 3);
        var output = Tensor.Reshape(back, inputs.Shape);
        if (Gamma is not null) output = Tensor.Multiply(output, Gamma);
        if (Beta is not null) output = Tensor.Add(output, Beta);
        return output;
    }

    public override Config GetConfig()
    {
        var config = base.GetConfig();
        config["groups"] = (long)Groups;
        config["axis"] = (long)Axis;
        WriteSettings(config);
        return config;
    }

    public static GroupNormalization FromConfig(Config config)
    {
        RefuseNull(config, "GroupNormalization", "groups");
        var settings = ReadSettings(config, "GroupNormalization");
        var (name, inputShape) = BaseArgs(config);
        int[] axes = TrailingAxes.Read(config, "GroupNormalization", [-1]);
        if (axes.Length != 1)
            throw new NotSupportedException(
                $"GroupNormalization '{name ?? "?"}' config 'axis' is [{string.Join(", ", axes)}]; Nabla groups one channel axis, the last.");
        return new GroupNormalization(config.GetInt("groups", 32), settings.Epsilon, settings.Center, settings.Scale, settings.Beta, settings.Gamma,
            inputShape, name, axes[0])
        {
            BetaConstraint = Constraints.Constraint.Read(config, "beta_constraint"),
            GammaConstraint = Constraints.Constraint.Read(config, "gamma_constraint"),
            BetaRegularizer = Regularizers.Regularizer.Read(config, "beta_regularizer"),
            GammaRegularizer = Regularizers.Regularizer.Read(config, "gamma_regularizer"),
        };
    }
}
