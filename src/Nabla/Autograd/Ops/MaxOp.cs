using Nabla.Tensors;

namespace Nabla.Autograd.Ops;

/// <summary>Maximum over some axes. The gradient goes to the first maximal element (ties: first in
/// row-major order), whose index the forward pass remembers; NaN counts as the maximum, as in NumPy.</summary>
internal sealed class MaxOp : Op
{
    private readonly BroadcastPlan plan; // operand A: the output (reduced axes kept as 1); Out: the input
    private readonly int[] argMax;

    private MaxOp(Tensor x, int[] axes, bool keepDims) : base([x], Axes.Reduced(x.Shape, axes, keepDims))
    {
        plan = new BroadcastPlan(Axes.Reduced(x.Shape, axes, keepDims: true), x.Shape, "max");
        argMax = new int[Output.Size];
    }

    public static MaxOp Create(Tensor x, int[]? axes, bool keepDims) =>
        new(x, Axes.NormalizeMany(axes, x.Rank, "max"), keepDims);

    public override string Name => "max";

    public override void Forward()
    {
        float[] x = Inputs[0].Data, y = Output.Data;
        Array.Fill(y, float.NegativeInfinity);
        Array.Fill(argMax, -1);
        var walk = plan.Walk;
        int len = walk.RunLength, step = walk.InnerStride((int)Operand.A);
        var runs = walk.Runs();
        while (runs.MoveNext())
        {
            for (int j = 0, o = runs.Offset1; j < len; j++, o += step)
            {
                int i = runs.Offset0 + j;
                float v = x[i], best = y[o];
                if (argMax[o] < 0 || v > best || (float.IsNaN(v) && !float.IsNaN(best)))
                {
                    y[o] = v;
                    argMax[o] = i;
                }
            }
        }
    }

    public override void Backward()
    {
        if (!NeedsGrad(0)) return;
        float[] dy = Output.Grad!.Data, dx = Inputs[0].Grad!.Data;
        for (int o = 0; o < argMax.Length; o++)
            if (argMax[o] >= 0) dx[argMax[o]] += dy[o];
    }
}
