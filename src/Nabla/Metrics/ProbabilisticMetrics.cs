using Nabla.Configuration;
using Nabla.Losses;

namespace Nabla.Metrics;

// Keras's probabilistic and hinge metrics (keras/src/metrics/probabilistic_metrics.py, hinge_metrics.py): the mean over
// samples of the loss function of the same name.

/// <summary>Keras metric <c>KLDivergence</c>: Σ t·log(t/p) per sample, t and p clipped to [1e-7, 1].</summary>
public sealed class KLDivergence(string name = "kl_divergence")
    : LossFunctionMetric(name, new ElementwiseSample<KLDivergenceTerm>(default, sum: true))
{
    public override string ClassName => "KLDivergence";
    public static KLDivergence FromConfig(Config config) => new(ReadName(config, "kl_divergence"));
}

/// <summary>Keras metric <c>Poisson</c>: mean p − t·log(p + 1e-7) per sample.</summary>
public sealed class Poisson(string name = "poisson") : LossFunctionMetric(name, new ElementwiseSample<PoissonTerm>(default))
{
    public override string ClassName => "Poisson";
    public static Poisson FromConfig(Config config) => new(ReadName(config, "poisson"));
}

/// <summary>Keras metric <c>Hinge</c>: mean max(1 − t·p, 0) per sample; 0/1 labels become −1/1 when the whole batch's are.</summary>
public sealed class Hinge(string name = "hinge") : LossFunctionMetric(name, new ElementwiseSample<HingeTerm>(new HingeTerm(squared: false)))
{
    public override string ClassName => "Hinge";
    public static Hinge FromConfig(Config config) => new(ReadName(config, "hinge"));
}

/// <summary>Keras metric <c>SquaredHinge</c>: mean max(1 − t·p, 0)² per sample, labels as for <see cref="Hinge"/>.</summary>
public sealed class SquaredHinge(string name = "squared_hinge")
    : LossFunctionMetric(name, new ElementwiseSample<HingeTerm>(new HingeTerm(squared: true)))
{
    public override string ClassName => "SquaredHinge";
    public static SquaredHinge FromConfig(Config config) => new(ReadName(config, "squared_hinge"));
}

/// <summary>Keras metric <c>CategoricalHinge</c>: max(max((1 − t)·p) − Σ t·p + 1, 0) per sample.</summary>
public sealed class CategoricalHinge(string name = "categorical_hinge") : LossFunctionMetric(name, new CategoricalHingeSample())
{
    public override string ClassName => "CategoricalHinge";
    public static CategoricalHinge FromConfig(Config config) => new(ReadName(config, "categorical_hinge"));
}
