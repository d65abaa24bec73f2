using System.Reflection;
using Nabla.Autograd;
using Nabla.Layers;

namespace Nabla;

public partial class Model
{
    private int[][]? subclassInputShapes, subclassOutputShapes;

    /// <summary>A model that derives from <see cref="Model"/> and defines its forward pass in <see cref="Call(Tensor, bool)"/>.</summary>
    internal bool IsSubclassed => graph is null && this is not Sequential;

    /// <summary>
    /// Runs the model on a batch (Keras's <c>model(x, training=...)</c>). A subclassed model overrides this with its
    /// forward pass, calling its layers (fields of type <see cref="Layer"/>, tracked as Keras tracks attributes).
    /// Functional and Sequential models run their graph, in inference mode by default.
    /// </summary>
    public override Tensor Call(Tensor inputs, bool training = false)
    {
        if (IsSubclassed)
            throw new InvalidOperationException(
                $"Model '{Name}' ({GetType().Name}) has no graph: build it from inputs and outputs (new Model(inputs, outputs)), " +
                "or override Call(inputs, training) in the subclass.");
        if (OutputCount != 1)
            throw new ArgumentException($"Model '{Name}' has {OutputCount} outputs; call Call(Tensor[]) to get them all.");
        return Call([inputs], training)[0];
    }

    /// <summary>Runs the model on batches, one per input, and returns one batch per output.</summary>
    public Tensor[] Call(Tensor[] inputs, bool training = false)
    {
        if (IsSubclassed)
        {
            if (inputs.Length != 1)
                throw new ArgumentException($"Model '{Name}' ({GetType().Name}) takes one input, {inputs.Length} were given.");
            return [Call(inputs[0], training)];
        }
        DataChecks.CheckInputs(this, inputs, "x");
        return Forward(inputs, training, null);
    }

    private Tensor CallSubclassed(Tensor inputs, bool training) => Call(inputs, training);

    /// <summary>Runs Call once on one zero sample to build the layers and learn the output shape.</summary>
    private void BuildSubclassed(int[] inputShape)
    {
        if (subclassInputShapes is not null)
        {
            if (!Tensor.SameShape(subclassInputShapes[0], inputShape))
                throw new ArgumentException(
                    $"Model '{Name}' was built for inputs {Layer.Describe(subclassInputShapes[0])}, not {Layer.Describe(inputShape)}.");
            return;
        }
        Tensor output;
        using (GradMode.NoGrad())
        using (Utils.PreserveRandomState())
            output = Call(new Tensor([1, .. inputShape]), training: false);
        subclassInputShapes = [(int[])inputShape.Clone()];
        subclassOutputShapes = [output.Shape[1..]];
        layers.Clear();
        TrackLayers();
        InvalidateCapturedGraphs();
    }

    /// <summary>Finds a subclassed model's layers in its fields (a layer, or a collection of layers), base class
    /// fields first, each in declaration order: Keras tracks the layers assigned to attributes the same way.</summary>
    private void TrackLayers()
    {
        var types = new List<Type>();
        for (var t = GetType(); t is not null && t != typeof(Model); t = t.BaseType) types.Insert(0, t);
        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        foreach (var type in types)
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                var value = field.GetValue(this);
                var found = value switch
                {
                    Layer layer => [layer],
                    IEnumerable<Layer> many => many,
                    _ => [],
                };
                foreach (var layer in found)
                    if (layer is not null && seen.Add(layer)) layers.Add(layer);
            }
    }
}
