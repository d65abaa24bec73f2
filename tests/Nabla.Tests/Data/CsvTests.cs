using Nabla.Data;

namespace Nabla.Tests.Data;

public class CsvTests : IDisposable
{
    private readonly TempFolder folder = new();

    public void Dispose() => folder.Dispose();

    [Theory]
    [InlineData(",")]
    [InlineData(";")]
    [InlineData("\t")]
    public void DetectsSeparatorAndHeaderAndSplitsOffTheLabelByName(string sep)
    {
        string text = string.Join("\n", [$"a{sep}label{sep}b", $"1.5{sep}0{sep}2", $"-3{sep}2{sep}4e2", ""]);
        var table = Csv.Read(folder.WriteText("t.csv", text), "label");
        Assert.Equal(sep[0], table.Separator);
        Assert.True(table.HasHeader);
        Assert.Equal(new[] { 2, 2 }, table.Features.Shape);
        Assert.Equal(new[] { 1.5f, 2f, -3f, 400f }, table.Features.Data);
        Assert.Equal(new[] { 0f, 2f }, table.Labels!.Data);
        Assert.Equal(new[] { "a", "b" }, table.FeatureNames);
        Assert.Equal("label", table.LabelName);
    }

    [Fact]
    public void WithoutHeaderTheFirstRowIsDataAndTheLabelIsAnIndex()
    {
        var (x, y) = Csv.Load(folder.WriteText("n.csv", "1,2,3\r\n4,5,6\r\n\r\n"), labelColumn: 0);
        Assert.Equal(new[] { 2, 2 }, x.Shape);
        Assert.Equal(new[] { 2f, 3f, 5f, 6f }, x.Data);
        Assert.Equal(new[] { 1f, 4f }, y.Data);
    }

    [Fact]
    public void HeaderAndSeparatorCanBeForced()
    {
        var table = Csv.Read(folder.WriteText("f.txt", "1|2\n3|4\n"), options: new CsvOptions { Separator = '|', HasHeader = true });
        Assert.Equal(new[] { "1", "2" }, table.FeatureNames);
        Assert.Equal(new[] { 3f, 4f }, table.Features.Data);
    }

    [Fact]
    public void QuotedFieldsAreUnquoted()
    {
        var table = Csv.Read(folder.WriteText("q.csv", "\"x, first\",\"say \"\"y\"\"\"\n\"1\",2\n"), "say \"y\"");
        Assert.Equal(new[] { "x, first" }, table.FeatureNames);
        Assert.Equal(new[] { 1f }, table.Features.Data);
        Assert.Equal(new[] { 2f }, table.Labels!.Data);
    }

    [Fact]
    public void NonNumericCellNamesLineColumnAndHeader()
    {
        string path = folder.WriteText("bad.csv", "a,b\n1,2\n3,abc\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(path));
        Assert.Equal(3, e.Line);
        Assert.Equal(2, e.Column);
        Assert.Equal(path, e.Path);
        Assert.Contains("bad.csv, line 3, column 2 ('b')", e.Message);
        Assert.Contains("'abc'", e.Found);
    }

    [Fact]
    public void DecimalCommaGetsAHint()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(folder.WriteText("eu.csv", "a;b\n1,5;2\n")));
        Assert.Contains("decimal comma", e.Found);
    }

    [Fact]
    public void RaggedRowIsAnErrorWithItsLine()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(folder.WriteText("r.csv", "1,2,3\n4,5,6\n7,8\n")));
        Assert.Equal(3, e.Line);
        Assert.Null(e.Column);
        Assert.Contains("3 fields", e.Expected);
        Assert.Contains("2 fields", e.Found);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    [InlineData("1e39")] // finite text, but beyond float32
    public void NonFiniteFeatureIsAnErrorUnlessAllowed(string cell)
    {
        string path = folder.WriteText("nan.csv", $"1,2\n3,{cell}\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(path));
        Assert.Equal((2, 2), (e.Line, e.Column));
        Assert.Contains("finite", e.Expected);

        var allowed = Csv.Read(path, options: new CsvOptions { AllowNonFinite = true });
        Assert.False(float.IsFinite(allowed.Features.Data[3]));
    }

    [Fact]
    public void EmptyCellIsAnError()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(folder.WriteText("e.csv", "1,2\n3,\n")));
        Assert.Equal((2, 2), (e.Line, e.Column));
        Assert.Contains("empty cell", e.Found);
    }

    [Theory]
    [InlineData("3")]
    [InlineData("-1")]
    [InlineData("1.5")]
    public void LabelOutsideTheClassesIsAnError(string label)
    {
        string path = folder.WriteText("l.csv", $"x,y\n1,0\n2,{label}\n");
        var e = Assert.Throws<DataFormatException>(() => Csv.Load(path, "y", new CsvOptions { NumClasses = 3 }));
        Assert.Equal((3, 2), (e.Line, e.Column));
        Assert.Contains("0..2", e.Expected);
        // Without NumClasses any number is a label (regression targets).
        Assert.Equal(2, Csv.Load(path, "y").Labels.Size);
    }

    [Fact]
    public void UnknownLabelNameListsTheColumns()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Load(folder.WriteText("u.csv", "a,b\n1,2\n"), "target"));
        Assert.Contains("'target'", e.Expected);
        Assert.Contains("'a', 'b'", e.Found);
    }

    [Fact]
    public void LabelNameWithoutHeaderAndIndexOutOfRangeAreErrors()
    {
        string path = folder.WriteText("h.csv", "1,2\n3,4\n");
        Assert.Contains("header", Assert.Throws<DataFormatException>(() => Csv.Load(path, "label")).Expected);
        Assert.Contains("index 5", Assert.Throws<DataFormatException>(() => Csv.Load(path, 5)).Found);
    }

    [Fact]
    public void HeaderOnlyAndSizeCapAreErrors()
    {
        Assert.Contains("only a header", Assert.Throws<DataFormatException>(() => Csv.Read(folder.WriteText("ho.csv", "a,b\n"))).Found);
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(folder.WriteText("big.csv", "1,2\n3,4\n"), options: new CsvOptions { MaxBytes = 4 }));
        Assert.Contains("MaxBytes", e.Expected);
    }

    [Fact]
    public void UnclosedQuoteIsAnError()
    {
        var e = Assert.Throws<DataFormatException>(() => Csv.Read(folder.WriteText("q.csv", "\"a,b\n1,2\n")));
        Assert.Equal(1, e.Line);
        Assert.Contains("closing double quote", e.Expected);
    }
}
