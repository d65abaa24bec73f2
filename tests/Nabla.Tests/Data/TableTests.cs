using Nabla.Data;
using Nabla.Tests.TestSupport;

namespace Nabla.Tests.Data;

/// <summary>Table: Keras's fuel-efficiency preparation (read with '?', dropna, get_dummies, sample/drop, pop).</summary>
public class TableTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    private const string Small =
        "MPG,Horsepower,Origin\n" +
        "18,130,USA\n" +
        "26,?,Europe\n" +
        "31,65,Japan\n" +
        "15,150,\n" +
        "24,95,Europe\n";

    [Fact]
    public void MixedColumnsReadAsNumbersTextAndMissingValues()
    {
        var table = Table.ReadCsv(folder.WriteText("cars.csv", Small), naValues: ["?", "NA", ""]);
        Assert.Equal(["MPG", "Horsepower", "Origin"], table.ColumnNames);
        Assert.Equal(5, table.RowCount);
        Assert.True(table["Horsepower"].IsNumeric);
        Assert.Equal(1, table["Horsepower"].MissingCount);
        Assert.True(table["Horsepower"].IsMissing(1));
        Assert.Equal(65f, table["Horsepower"].Number(2));
        Assert.False(table["Origin"].IsNumeric);
        Assert.Equal(1, table["Origin"].MissingCount);
        Assert.Equal(["Europe", "Japan", "USA"], table["Origin"].Categories());
    }

    [Fact]
    public void WithoutTheMarkerTheColumnIsTextAndTheErrorSaysWhereAndWhatToDo()
    {
        var table = Table.ReadCsv(folder.WriteText("cars.csv", Small));
        Assert.False(table["Horsepower"].IsNumeric);
        Assert.Equal((3, "?"), table["Horsepower"].FirstNonNumber);
        var error = Assert.Throws<InvalidOperationException>(() => table.Select("MPG", "Horsepower").ToTensor());
        Assert.Contains("column 'Horsepower' holds text", error.Message);
        Assert.Contains("line 3 has '?'", error.Message);
        Assert.Contains("naValues", error.Message);
    }

    [Fact]
    public void DropMissingOneHotPopAndToTensorGiveTheHandComputedArrays()
    {
        var table = Table.ReadCsv(folder.WriteText("cars.csv", Small), naValues: ["?", ""]).DropMissing().OneHot("Origin", prefix: "");
        Assert.Equal(["MPG", "Horsepower", "Europe", "Japan", "USA"], table.ColumnNames);
        var labels = table.Pop("MPG");
        Assert.Equal(["Horsepower", "Europe", "Japan", "USA"], table.ColumnNames);
        Assert.Equal([18f, 31f, 24f], labels.ToTensor().Data);
        var x = table.ToTensor();
        Assert.Equal([3, 4], x.Shape);
        Assert.Equal([130f, 0, 0, 1, 65, 0, 1, 0, 95, 1, 0, 0], x.Data);
    }

    [Fact]
    public void OneHotWithTheTrainingCategoriesRefusesAnUnseenOneAndKeepsColumnsFixed()
    {
        var table = Table.ReadCsv(folder.WriteText("cars.csv", Small), naValues: ["?", ""]);
        var fixedColumns = table.OneHot("Origin", categories: ["USA", "Europe", "Japan"]);
        Assert.Equal(["MPG", "Horsepower", "Origin_USA", "Origin_Europe", "Origin_Japan"], fixedColumns.ColumnNames);
        Assert.Equal([1f, 0, 0, 0, 0], fixedColumns["Origin_USA"].ToTensor().Data); // row 3 (missing) is all zeros, as get_dummies
        Assert.Equal([0f, 1, 0, 0, 1], fixedColumns["Origin_Europe"].ToTensor().Data);
        Assert.Equal([0f, 0, 1, 0, 0], fixedColumns["Origin_Japan"].ToTensor().Data);
        var error = Assert.Throws<ArgumentException>(() => table.OneHot("Origin", categories: ["USA"]));
        Assert.Contains("'Europe'", error.Message);
    }

    [Fact]
    public void SplitIsSeededDisjointAndRoundsAsPandasSample()
    {
        var table = Table.ReadCsv(RepositoryPaths.FuelCsv(), naValues: ["?"]).DropMissing();
        Assert.Equal(93, table.RowCount); // 96 invented rows, 3 with '?'
        var (train, test) = table.Split(0.8, seed: 0);
        Assert.Equal(74, train.RowCount); // round(0.8 * 93) = 74.4 -> 74
        Assert.Equal(19, test.RowCount);
        var trainWeights = train["Weight"].ToTensor().Data;
        var testWeights = test["Weight"].ToTensor().Data;
        Assert.Equal(table["Weight"].ToTensor().Data.Order(), trainWeights.Concat(testWeights).Order());
        var again = table.Split(0.8, seed: 0).First["Weight"].ToTensor().Data;
        Assert.Equal(trainWeights, again);
        Assert.NotEqual(trainWeights, table.Split(0.8, seed: 1).First["Weight"].ToTensor().Data);
    }

    [Fact]
    public void SelectAndDropNameColumnsAndUnknownNamesListTheColumns()
    {
        var table = Table.ReadCsv(RepositoryPaths.FuelCsv(), naValues: ["?"]);
        Assert.Equal(["Weight", "MPG"], table.Select("Weight", "MPG").ColumnNames);
        Assert.DoesNotContain("Origin", table.Drop("Origin").ColumnNames);
        var error = Assert.Throws<ArgumentException>(() => table.Select("mpg"));
        Assert.Contains("no column 'mpg'", error.Message);
        Assert.Contains("'MPG'", error.Message);
    }

    [Fact]
    public void ToTensorOfMissingValuesSaysHowToDropThem()
    {
        var table = Table.ReadCsv(RepositoryPaths.FuelCsv(), naValues: ["?"]);
        var error = Assert.Throws<InvalidOperationException>(() => table["Horsepower"].ToTensor());
        Assert.Contains("'Horsepower' has 3 missing value(s), the first at row 7", error.Message);
        Assert.Contains("DropMissing()", error.Message);
    }

    [Fact]
    public void RaggedRowsNameTheLine()
    {
        var error = Assert.Throws<DataFormatException>(() => Table.ReadCsv(folder.WriteText("bad.csv", "a,b\n1,2\n3\n")));
        Assert.Equal(3, error.Line);
    }

    [Fact]
    public void ToStringShowsAlignedRowsAndTheSize()
    {
        var text = Table.ReadCsv(folder.WriteText("cars.csv", Small), naValues: ["?", ""]).Head(2).ToString();
        Assert.Equal("MPG  Horsepower  Origin\n 18         130     USA\n 26         NaN  Europe\n[2 rows x 3 columns]", text.ReplaceLineEndings("\n"));
    }
}
