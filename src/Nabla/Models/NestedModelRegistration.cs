using System.Runtime.CompilerServices;
using Nabla.Layers;

namespace Nabla;

/// <summary>Makes models loadable as layers of other models: Keras nests an inner model's config as a layer with
/// class name "Functional" (Keras 2: "Model") or "Sequential". Layers sit below models, so models register themselves.</summary>
internal static class NestedModelRegistration
{
    // A library module initializer is deliberate: the layer registry cannot name the models above it.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        Layer.Registry.Add("Functional", config => FunctionalConfig.FromConfig(config, "nested Functional model"), "Model");
        Layer.Registry.Add("Sequential", Sequential.FromConfig);
    }
}
