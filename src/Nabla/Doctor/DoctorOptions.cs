namespace Nabla.Doctor;

/// <summary>How the doctor watches: thresholds and how often it samples.</summary>
public sealed class DoctorOptions
{
    public DoctorThresholds Thresholds { get; init; } = new();

    /// <summary>Sampled steps per epoch (evenly spaced, the first batch included). Each sample reads the
    /// gradients, weights and activations of every Dense layer; 4 keeps the overhead well under 3%.</summary>
    public int SamplesPerEpoch { get; init; } = 4;

    /// <summary>Whether the first NaN or infinite loss ends training (<c>nan_loss</c>, at the end of that batch;
    /// the step itself is never applied). Default true: nothing after it can be learned.</summary>
    public bool StopOnNanLoss { get; init; } = true;

    /// <summary>Whether <see cref="ExperimentResult.Run"/> measures the loss's answer to the learning rate before training
    /// (<see cref="LearningRateProbe"/>: three short runs of <see cref="LearningRateProbe.Steps"/> steps). Default true.</summary>
    public bool ProbeLearningRate { get; init; } = true;
}
