using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary>Synthetic regression with several target columns (a multi-output program's data shape).</summary>
public class SyntheticRegressionTests
{
    [Fact]
    public void Several_outputs_share_the_inputs_and_differ_from_each_other()
    {
        var (x, y) = Synthetic.Regression(50, 6, seed: 4, outputs: 3);
        Assert.Equal([50, 6], x.Shape);
        Assert.Equal([50, 3], y.Shape);
        var column = Enumerable.Range(0, 3).Select(o => Enumerable.Range(0, 50).Select(i => y.Data[i * 3 + o]).ToArray()).ToArray();
        Assert.NotEqual(column[0], column[1]);
        Assert.NotEqual(column[1], column[2]);
        Assert.All(y.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Zero_outputs_is_refused_by_name()
    {
        var e = Assert.Throws<ArgumentException>(() => Synthetic.Regression(10, 2, seed: 1, outputs: 0));
        Assert.Contains("at least 1 output", e.Message);
    }
}
