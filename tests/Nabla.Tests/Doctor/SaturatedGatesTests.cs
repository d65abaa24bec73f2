using Nabla.Autograd;
using Nabla.Cli.Clinic;
using Nabla.Doctor;
using Nabla.Layers;

namespace Nabla.Tests.Doctor;

/// <summary>
/// Gates stuck at 0 or 1: the gated layers expose their gates through the layer contract, <see cref="GateSaturation"/>
/// measures the stuck shares, <see cref="SaturatedGatesDetector"/> compares them with the threshold, and the recurrent
/// clinic's cases are diagnosed and repaired.
/// </summary>
[Collection(DoctorCollection.Name)]
public class SaturatedGatesTests
{
    private static readonly DoctorThresholds T = new();

    /// <summary>Gate rows as an op keeps them: rows of <paramref name="columns"/> blocks of <paramref name="units"/> values.</summary>
    private sealed class FakeGates(float[] values, int columns, int units) : IGatedOp
    {
        public ReadOnlySpan<float> GateValues => values;
        public int GateColumns => columns;
        public int GateUnits => units;
    }

    [Fact]
    public void A_unit_is_stuck_only_when_every_row_sits_within_the_margin_of_the_same_end()
    {
        float m = (float)GateSaturation.Margin(T.SaturationPreActivation);
        // σ(−4) ≈ 0.018: the margin follows the saturation threshold.
        Assert.Equal(1 / (1 + Math.Exp(4)), GateSaturation.Margin(4), 1e-12);
        // Two gates of four units, three rows. Gate 1 (the second block): unit 0 closed in every row, unit 1 open in every
        // row, unit 2 closed in two rows but mid-range in one, unit 3 closed in one row and open in the others.
        float[] gate1 =
        [
            m / 2, 1 - m / 2, m / 2, m / 3,
            0f, 1f, 0.5f, 1f,
            m, 1 - m, m / 4, 1f,
        ];
        var values = new float[3 * 2 * 4];
        for (int r = 0; r < 3; r++)
        {
            values.AsSpan(r * 8, 4).Fill(0.5f); // gate 0: mid-range
            gate1.AsSpan(r * 4, 4).CopyTo(values.AsSpan(r * 8 + 4, 4));
        }
        var op = new FakeGates(values, columns: 2, units: 4);
        var scratch = new float[8];
        var stuck = GateSaturation.Of(new ObservedGate("forget", op, 1), T.SaturationPreActivation, scratch);
        Assert.Equal(("forget", 0.25, 0.25), (stuck.Gate, stuck.StuckClosed, stuck.StuckOpen));
        var free = GateSaturation.Of(new ObservedGate("input", op, 0), T.SaturationPreActivation, scratch);
        Assert.Equal(0, free.Stuck);
    }

    [Fact]
    public void An_lstm_shows_its_input_forget_and_output_gates_and_a_gru_its_update_and_reset_gates()
    {
        Utils.SetRandomSeed(3);
        var x = Tensor.FromArray(Enumerable.Range(0, 2 * 5 * 3).Select(i => (float)Math.Sin(i)).ToArray(), 2, 5, 3);
        var lstm = new LSTM(4, unitForgetBias: false, inputShape: [5, 3]) { BiasInitializer = new Nabla.Initializers.Constant(-10) };
        var output = lstm.Call(x, training: true);
        var gates = lstm.Observe(output).Gates!;
        Assert.Equal(["input", "forget", "output"], gates.Select(g => g.Name));
        Assert.Equal(10, gates[0].Rows); // 5 steps x 2 samples
        var scratch = new float[8];
        Assert.All(gates, g => Assert.Equal(1.0, GateSaturation.Of(g, T.SaturationPreActivation, scratch).StuckClosed));

        var gru = new GRU(4, inputShape: [5, 3]);
        var gruGates = gru.Observe(gru.Call(x, training: true)).Gates!;
        Assert.Equal(["update", "reset"], gruGates.Select(g => g.Name));
        Assert.All(gruGates, g => Assert.Equal(0, GateSaturation.Of(g, T.SaturationPreActivation, scratch).Stuck));

        var simple = new SimpleRNN(4, inputShape: [5, 3]);
        Assert.Null(simple.Observe(simple.Call(x, training: true)).Gates);
    }

    [Theory]
    [InlineData(0.6, 0.0, "0")]
    [InlineData(0.0, 0.5, "1")]
    [InlineData(0.4, 0.0, null)]
    public void The_detector_compares_the_median_stuck_share_with_the_threshold(double closed, double open, string? end)
    {
        Assert.Equal(0.5, T.StuckGateFraction); // DeepDiagnosis's "more than half of the units saturated", see DoctorThresholds
        // Three samples: the median is the middle one, not the extremes.
        var samples = new[] { 0.0, 1.0, 2.0 }.Select((scale, i) => Sample(i, new GateSample("forget", Math.Min(1, closed * scale), Math.Min(1, open * scale)))).ToList();
        var q = new Quantities { Model = new ModelQuantities(), Layers = LayerSeries.Of(samples) };
        var found = new SaturatedGatesDetector().Detect(q, T).ToList();
        if (end is null) { Assert.Empty(found); return; }
        var detection = Assert.Single(found);
        Assert.Equal(FindingCodes.SaturatedGates, detection.Finding.Code);
        Assert.Equal(Severity.Error, detection.Finding.Severity); // for a run that did not learn
        Assert.Equal(Severity.Warning, detection.Floor);          // one that learned anyway keeps a warning
        Assert.Equal(end, detection.Finding.Evidence["stuck_at"]);
        Assert.Equal("forget", detection.Finding.Evidence["gate"]);
        Assert.Equal([FixCodes.ResetRecurrentBias], detection.Finding.Fixes.Select(f => f.Code));
    }

    [Fact]
    public void The_repair_resets_recurrent_biases_to_kerass_start()
    {
        var e = ExperimentFile.Load(Case("saturated-gates-lstm-bias-minus10-adding20"));
        var (changed, change) = Repairs.Apply(FixCodes.ResetRecurrentBias, e, e.BuildModel())!.Value;
        var layer = changed.LayerConfigs()[0].GetConfig("config")!;
        Assert.Equal("Zeros", layer.GetConfig("bias_initializer")!.GetString("class_name"));
        Assert.Equal(true, layer["unit_forget_bias"]);
        Assert.Contains("Constant(-10) -> Zeros", change);
        // Inside a Bidirectional: the wrapped layer's config is edited (the backward copy is built from it).
        var wrapped = ExperimentFile.Load(Case("healthy-bidirectional-lstm-adding20"));
        var inner = wrapped.LayerConfigs()[0].GetConfig("config")!.GetConfig("layer")!.GetConfig("config")!;
        inner["bias_initializer"] = new Configuration.Config { ["class_name"] = "Constant", ["config"] = new Configuration.Config { ["value"] = 5.0 } };
        var (unwrapped, wrappedChange) = Repairs.Apply(FixCodes.ResetRecurrentBias, wrapped, wrapped.BuildModel())!.Value;
        Assert.Equal("Zeros", unwrapped.LayerConfigs()[0].GetConfig("config")!.GetConfig("layer")!.GetConfig("config")!
            .GetConfig("bias_initializer")!.GetString("class_name"));
        Assert.Contains("Constant(5) -> Zeros", wrappedChange);
        // A model whose recurrent biases are Keras's already has nothing to reset.
        var healthy = ExperimentFile.Load(Case("healthy-lstm-adding20"));
        Assert.Null(Repairs.Apply(FixCodes.ResetRecurrentBias, healthy, healthy.BuildModel()));
    }

    [Fact]
    public void An_lstm_with_every_bias_at_minus_10_is_diagnosed_with_shut_gates_and_repaired_to_learn()
    {
        var result = SuiteRunner.RunCase(Case("saturated-gates-lstm-bias-minus10-adding20"), repair: true);
        Assert.True(result.Detected, $"found [{string.Join(", ", result.Found)}]");
        Assert.Equal(FindingCodes.SaturatedGates, result.Primary);
        Assert.True(result.Repaired);
        Assert.True(result.MetTarget, $"repaired validation loss {result.RepairedValLoss}");
    }

    private static string Case(string name) => Path.Combine(ClinicSuiteTests.SuiteFolder(), "recurrent", name + ".json");

    private static LayerSample Sample(int step, GateSample gate) => new()
    {
        Epoch = 0, Step = step, LayerIndex = 0, Layer = "lstm", Activation = "tanh", KernelGradNorm = 1, BiasGradNorm = 1,
        UpdateRatio = 1e-3, WeightMean = 0, WeightStd = 0.1, ExpectedStd = 0.1, SaturatedFraction = 0, DeadFraction = double.NaN,
        MeanAbsOutput = 0.5, GradientMissing = false, GradientAllZero = false, NonFinite = false, Gates = [gate],
    };
}
