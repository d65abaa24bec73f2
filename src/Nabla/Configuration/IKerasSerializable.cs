namespace Nabla.Configuration;

/// <summary>
/// Anything Keras can write as <c>{"class_name": ..., "config": ...}</c>: layers, activations,
/// initializers, losses, optimizers, metrics. Each implementation also has a static <c>FromConfig</c>,
/// registered in its <see cref="Registry{T}"/>, so that <c>FromConfig(x.GetConfig())</c> rebuilds x.
/// </summary>
public interface IKerasSerializable
{
    /// <summary>The Keras class name, e.g. "HeUniform", "Dense", "Adam".</summary>
    string ClassName { get; }

    Config GetConfig();
}
