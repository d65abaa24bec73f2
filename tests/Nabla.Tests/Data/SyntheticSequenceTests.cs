using Nabla.Data;

namespace Nabla.Tests.Data;

public class SyntheticSequenceTests
{
    [Fact]
    public void AddingProblemMarksExactlyTwoStepsAndSumsThem()
    {
        var (x, y) = Synthetic.AddingProblem(50, 20, seed: 4);
        Assert.Equal([50, 20, 2], x.Shape);
        Assert.Equal([50, 1], y.Shape);
        for (int i = 0; i < 50; i++)
        {
            var marked = Enumerable.Range(0, 20).Where(t => x[i, t, 1] == 1f).ToArray();
            Assert.Equal(2, marked.Length);
            Assert.True(marked[0] < 10 && marked[1] >= 10, "one marker in each half");
            Assert.All(Enumerable.Range(0, 20), t => Assert.True(x[i, t, 1] is 0f or 1f));
            Assert.All(Enumerable.Range(0, 20), t => Assert.InRange(x[i, t, 0], 0f, 0.99999994f));
            Assert.Equal(x[i, marked[0], 0] + x[i, marked[1], 0], y[i, 0]);
        }
    }

    [Fact]
    public void SequenceSetsAreDeterministicFromTheSeed()
    {
        Assert.Equal(Synthetic.AddingProblem(5, 8, 1).x.ToArray(), Synthetic.AddingProblem(5, 8, 1).x.ToArray());
        Assert.NotEqual(Synthetic.AddingProblem(5, 8, 1).x.ToArray(), Synthetic.AddingProblem(5, 8, 2).x.ToArray());
        Assert.Equal(Synthetic.EarlySignClassification(5, 8, 1).y.ToArray(), Synthetic.EarlySignClassification(5, 8, 1).y.ToArray());
    }

    [Fact]
    public void EarlySignLabelsTheSignOfTheWindowSumAndIsBalanced()
    {
        var (x, y) = Synthetic.EarlySignClassification(400, 30, seed: 2, window: 3);
        for (int i = 0; i < 400; i++)
        {
            double sum = x[i, 0, 0] + x[i, 1, 0] + x[i, 2, 0];
            Assert.Equal(sum > 0 ? 1f : 0f, y[i, 0]);
        }
        Assert.InRange(y.Data.Average(), 0.4, 0.6);
    }

    [Fact]
    public void RefusesTooFewTimestepsOrABadWindow()
    {
        Assert.Throws<ArgumentException>(() => Synthetic.AddingProblem(5, 1, 1));
        Assert.Throws<ArgumentException>(() => Synthetic.EarlySignClassification(5, 4, 1, window: 5));
    }
}
