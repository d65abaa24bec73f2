using Nabla.Callbacks;
using Nabla.Doctor;
using static Nabla.Tests.Doctor.DoctorCases;

namespace Nabla.Tests.Doctor;

/// <summary>The repair's ReduceLROnPlateau(monitor=loss, patience=1) is not tried on a run it would leave unchanged.</summary>
public class PlateauScheduleRepairTests
{
    [Fact]
    public void A_loss_that_fell_by_more_than_min_delta_every_epoch_never_triggers_the_schedule()
    {
        Assert.False(Repairs.PlateauScheduleWouldAct([2.38, 2.29, 2.25, 2.20]));
        // A stall in the last epoch comes too late: the lower rate would train nothing.
        Assert.False(Repairs.PlateauScheduleWouldAct([2.38, 2.29, 2.25, 2.30]));
        Assert.False(Repairs.PlateauScheduleWouldAct([1.0]));
    }

    [Fact]
    public void A_stall_before_the_last_epoch_triggers_it()
    {
        Assert.True(Repairs.PlateauScheduleWouldAct([2.38, 2.29, 2.30, 2.20]));
        // Keras's min_delta is 1e-4: a fall of 5e-5 is no improvement.
        Assert.True(Repairs.PlateauScheduleWouldAct([1.0, 0.99995, 0.5]));
        Assert.True(Repairs.PlateauScheduleWouldAct([1.0, double.NaN, 0.5]));
        Assert.True(Repairs.PlateauScheduleWouldAct(null));
    }

    [Fact]
    public void The_prediction_agrees_with_the_callback()
    {
        // The callback itself over the same losses: it lowers the rate exactly when the prediction says it would act
        // (at the end of an epoch before the last).
        double[][] runs = [[2.38, 2.29, 2.25, 2.20], [2.38, 2.29, 2.30, 2.20], [1.0, 0.99995, 0.5], [3, 2, 1, 1]];
        foreach (var losses in runs)
        {
            var model = new Sequential(new Nabla.Layers.Dense(1, inputShape: [2]));
            model.Compile(new Nabla.Optimizers.SGD(learningRate: 0.1), "mse");
            var schedule = Experiment.PlateauSchedule();
            schedule.Model = model;
            schedule.OnTrainBegin(new Dictionary<string, double>());
            bool acted = false;
            for (int epoch = 0; epoch < losses.Length - 1; epoch++)
            {
                schedule.OnEpochEnd(epoch, new Dictionary<string, double> { ["loss"] = losses[epoch] });
                acted |= model.Optimizer!.LearningRate < 0.1;
            }
            Assert.Equal(acted, Repairs.PlateauScheduleWouldAct(losses));
        }
    }

    [Fact]
    public void The_repair_adds_the_schedule_only_where_it_would_act_and_names_it()
    {
        var e = HealthyClassifier(epochs: 3);
        var model = e.BuildModel();
        Assert.Null(Repairs.Apply(FixCodes.UseLrSchedule, e, model, losses: [1.0, 0.8, 0.6]));
        var (changed, change) = Repairs.Apply(FixCodes.UseLrSchedule, e, model, losses: [1.0, 1.0, 0.6])!.Value;
        Assert.True(changed.ReduceLearningRateOnPlateau);
        Assert.Equal("ReduceLROnPlateau(monitor=loss, factor=0.5, patience=1)", change);
        Assert.Null(Repairs.Apply(FixCodes.UseLrSchedule, changed, model, losses: [1.0, 1.0, 0.6]));
    }
}
