using Nabla.Doctor;
using Nabla.Layers;
using Nabla.Reports;

namespace Nabla.Tests.Doctor;

/// <summary>Per-branch gradient norms on a DAG: branches between fork and merge points, layers in topological order,
/// in the diagnosis, its JSON and the report's chart.</summary>
[Collection(DoctorCollection.Name)]
public class GradientFlowTests
{
    /// <summary>Two towers (two layers on input a, one on input b), concatenated, then a head and the output.</summary>
    private static Diagnosis TrainTwoBranchModel()
    {
        Utils.SetRandomSeed(3);
        var a = new Input([8], name: "a");
        var b = new Input([4], name: "b");
        var a2 = new Dense(16, activation: "relu", name: "a_dense_2").Apply(new Dense(16, activation: "relu", name: "a_dense_1").Apply(a));
        var b1 = new Dense(8, activation: "relu", name: "b_dense_1").Apply(b);
        var head = new Dense(16, activation: "relu", name: "head").Apply(new Concatenate(name: "joined").Apply(a2, b1));
        var output = new Dense(3, activation: "softmax", name: "classes").Apply(head);
        var model = new Model([a, b], output, name: "two_towers");
        model.Compile("adam", "sparse_categorical_crossentropy");
        var (x, labels) = Nabla.Data.Synthetic.Classification(256, 12, 3, seed: 2);
        var xa = new Tensor(256, 8);
        var xb = new Tensor(256, 4);
        for (int i = 0; i < 256; i++)
        {
            x.Data.AsSpan(i * 12, 8).CopyTo(xa.Data.AsSpan(i * 8));
            x.Data.AsSpan(i * 12 + 8, 4).CopyTo(xb.Data.AsSpan(i * 4));
        }
        var doctor = new TrainingDoctor();
        model.Fit(new[] { xa, xb }, new Tensor?[] { labels }, epochs: 2, batchSize: 32, callbacks: [doctor], verbose: 0);
        return doctor.Diagnosis;
    }

    [Fact]
    public void Each_branch_reports_its_layers_gradient_norms_in_topological_order()
    {
        var flow = TrainTwoBranchModel().GradientFlow;

        Assert.Equal(["a_dense_1 → a_dense_2", "b_dense_1", "head → classes"], flow.Select(b => b.Name));
        Assert.Equal([1, 2, 3], flow.Select(b => b.Number));
        var layers = flow.SelectMany(b => b.Layers).ToList();
        Assert.Equal(["a_dense_1", "a_dense_2", "b_dense_1", "head", "classes"], layers.Select(l => l.Layer));
        Assert.Equal([0, 1, 2, 3, 4], layers.Select(l => l.Position));
        Assert.All(layers, l => Assert.True(l.MedianGradientNorm > 0 && double.IsFinite(l.MedianGradientNorm), $"{l.Layer}: {l.MedianGradientNorm}"));
        var lines = GradientFlow.Describe(flow).ToList();
        Assert.Equal(3, lines.Count);
        Assert.StartsWith("branch 2 (b_dense_1): b_dense_1 ", lines[1]);
    }

    [Fact]
    public void The_json_and_the_report_chart_show_the_branches()
    {
        var diagnosis = TrainTwoBranchModel();
        var json = DiagnosisReport.ToJson(diagnosis);
        var branches = json["gradient_flow"]!.AsArray();
        Assert.Equal(3, branches.Count);
        Assert.Equal("b_dense_1", (string?)branches[1]!["layers"]![0]!["layer"]);
        Assert.Equal(2, (int)branches[1]!["layers"]![0]!["position"]!);

        var chart = ReportPlots.GradientFlow(diagnosis.GradientFlow);
        Assert.NotNull(chart);
        Assert.Contains(chart.Title, ReportPlots.Of(diagnosis).Select(c => c.Title));
        // Tick labels name the layers, left to right in topological order; the legend names each branch.
        int[] at = new[] { "a_dense_1", "a_dense_2", "b_dense_1", "head", "classes" }.Select(n => chart.Svg.IndexOf(n, StringComparison.Ordinal)).ToArray();
        Assert.All(at, i => Assert.True(i >= 0));
        Assert.Contains("branch 2: b_dense_1", chart.Svg);
    }

    [Fact]
    public void A_sequential_model_is_one_branch()
    {
        var d = DoctorCases.Diagnose(DoctorCases.HealthyClassifier(epochs: 1));
        var branch = Assert.Single(d.GradientFlow);
        Assert.Equal(2, branch.Layers.Count);
    }
}
