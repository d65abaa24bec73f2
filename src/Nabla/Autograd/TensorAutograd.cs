using Nabla.Autograd;

namespace Nabla;

public sealed partial class Tensor
{
    /// <summary>Backpropagates from this tensor (usually a scalar loss); see <see cref="Graph.Backward()"/>.</summary>
    public Graph Backward()
    {
        var graph = new Graph(this);
        graph.Backward();
        return graph;
    }

    /// <summary>Marks this tensor as a leaf whose gradient is wanted and returns it.</summary>
    public Tensor RequireGrad()
    {
        RequiresGrad = true;
        return this;
    }
}
