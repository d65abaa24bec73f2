namespace Nabla.Doctor;

/// <summary>The scale of a regression's targets over the first epoch: their mean and standard deviation. A linear output
/// starts near 0 with unit-sized weights, so targets far from that range make the output's weights grow by their scale,
/// and a squared error's gradient grows with the square of it. Measured only under mean squared or mean absolute error,
/// the regression losses whose repair (<see cref="FixCodes.StandardizeTargets"/>) can keep their units.</summary>
internal sealed record TargetScale(double Mean, double Std, bool SquaredError)
{
    /// <summary>The root mean square of the targets: how far from 0 the output must reach, offset and spread together.</summary>
    public double RootMeanSquare => Math.Sqrt(Mean * Mean + Std * Std);

    /// <summary>How much larger the loss's gradient is than on standardized targets: std² under MSE, std under MAE.</summary>
    public double GradientScale => SquaredError ? Std * Std : Std;

    public static TargetScale? Of(TrainingRecord r) =>
        SquaredErrorOf(r.Model.Loss) is bool squared && double.IsFinite(r.TargetVariance)
            ? new(r.TargetMean, Math.Sqrt(r.TargetVariance), squared) : null;

    /// <summary>True under mean squared error, false under mean absolute error, null under any other loss: the losses
    /// whose gradient carries the targets' scale as std² or std, the ones this quantity and its repair handle.</summary>
    public static bool? SquaredErrorOf(Losses.Loss? loss) => loss switch
    {
        Losses.MeanSquaredError => true,
        Losses.MeanAbsoluteError => false,
        _ => null,
    };
}
