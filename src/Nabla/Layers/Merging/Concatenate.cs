using Nabla.Configuration;

namespace Nabla.Layers;

/// <summary>
/// Keras's <c>Concatenate(axis=-1)</c>: joins its inputs along an axis. As in Keras the axis counts the batch
/// axis (axis 1 is the first per-sample axis, −1 the last); every other dimension must match.
/// </summary>
public sealed class Concatenate : Merge
{
    /// <param name="axis">Keras's default is −1 (keras/src/layers/merging/concatenate.py).</param>
    public Concatenate(int axis = -1, string? name = null) : base(name) => Axis = axis;

    public override string ClassName => "Concatenate";

    public int Axis { get; }

    /// <summary>The axis in a full batch shape of this rank (batch axis included).</summary>
    private int BatchAxis(int perSampleRank)
    {
        int rank = perSampleRank + 1;
        int axis = Axis < 0 ? Axis + rank : Axis;
        if (axis <= 0 || axis >= rank)
            throw new ArgumentException(
                $"Layer '{Name}' (Concatenate): axis {Axis} is not a per-sample axis of inputs of rank {rank} (batch axis included).");
        return axis;
    }

    protected override int[] ComputeMergedShape(IReadOnlyList<int[]> inputShapes)
    {
        int rank = inputShapes[0].Length;
        if (inputShapes.Any(s => s.Length != rank))
            throw new ArgumentException(
                $"Layer '{Name}' (Concatenate) requires inputs of the same rank; received {DescribeAll(inputShapes)}.");
        int axis = BatchAxis(rank) - 1;
        var output = (int[])inputShapes[0].Clone();
        for (int i = 1; i < inputShapes.Count; i++)
        {
            for (int d = 0; d < rank; d++)
            {
                int length = inputShapes[i][d];
                if (d == axis || length == output[d] || length == UnknownDimension) continue;
                if (output[d] != UnknownDimension)
                    throw new ArgumentException(
                        $"Layer '{Name}' (Concatenate) requires inputs with matching shapes except for the concatenation axis {Axis}; " +
                        $"received {DescribeAll(inputShapes)}.");
                output[d] = length; // an unknown length matches any: the known one is the output's
            }
            int joined = inputShapes[i][axis];
            output[axis] = output[axis] == UnknownDimension || joined == UnknownDimension ? UnknownDimension : output[axis] + joined;
        }
        return output;
    }

    protected override Tensor MergeBatches(IReadOnlyList<Tensor> inputs) =>
        Tensor.Concat(inputs.ToArray(), BatchAxis(inputs[0].Rank - 1));

    public override Config GetConfig()
    {
        var config = BaseConfig(this);
        config["axis"] = (long)Axis;
        return config;
    }

    public static Concatenate FromConfig(Config config)
    {
        RefuseNull(config, "Concatenate", "axis");
        return new(config.GetInt("axis", -1), BaseArgs(config).name) { Trainable = config.GetBool("trainable", true) };
    }
}
