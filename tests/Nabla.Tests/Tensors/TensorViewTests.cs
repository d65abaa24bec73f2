namespace Nabla.Tests.Tensors;

/// <summary>Tensors you can look at: NumPy's printing, and Index/Range selection.</summary>
public class TensorViewTests
{
    private static Tensor Range(int count, params int[] shape) =>
        Tensor.FromArray(Enumerable.Range(0, count).Select(i => (float)i).ToArray(), shape);

    [Fact]
    public void ValuesPrintAsNumPyPrintsThemWithShapeAndDtype()
    {
        // numpy: repr(np.array([[1, 2.5], [3, 4]], dtype=np.float32)) -> array([[1. , 2.5], [3. , 4. ]], dtype=float32)
        Tensor m = new float[,] { { 1, 2.5f }, { 3, 4 } };
        Assert.Equal("Tensor([[1. , 2.5],\n        [3. , 4. ]], shape=(2, 2), dtype=float32)", m.ToString());
        // numpy: array([ 0.1 ,  0.25, -3.  ], dtype=float32)
        Assert.Equal("Tensor([ 0.1 ,  0.25, -3.  ], shape=(3,), dtype=float32)", Tensor.FromArray([0.1f, 0.25f, -3f], 3).ToString());
        Assert.Equal("Tensor(7., shape=(), dtype=float32)", Tensor.FromArray([7f]).ToString());
        // float32's shortest digits, not its float64 expansion (17.32416725...)
        Assert.Equal("Tensor([17.324167,  9.5     ], shape=(2,), dtype=float32)", Tensor.FromArray([17.324167f, 9.5f], 2).ToString());
        // scientific notation when the smallest magnitude is below 1e-4: [1.e-05, 1.e+00]
        Assert.Equal("Tensor([1.e-05, 1.e+00], shape=(2,), dtype=float32)", Tensor.FromArray([1e-5f, 1f], 2).ToString());
        Assert.Equal("Tensor([nan,  1.,  2.], shape=(3,), dtype=float32)", Tensor.FromArray([float.NaN, 1, 2], 3).ToString());
    }

    [Fact]
    public void MoreThanAThousandValuesAreSummarizedWithTheEdgeItems()
    {
        // numpy: np.arange(2000, dtype=np.float32) -> array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03, 1.999e+03]
        // (the ratio 1999/1 > 1000 switches to scientific notation)
        string text = Range(2000, 2000).ToString();
        Assert.Equal("Tensor([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n        1.999e+03], shape=(2000,), dtype=float32)", text);
        string matrix = Tensor.Add(Range(1200, 100, 12), Tensor.FromArray([100f])).ToString();
        Assert.Equal(
            "Tensor([[ 100.,  101.,  102., ...,  109.,  110.,  111.],\n" +
            "        [ 112.,  113.,  114., ...,  121.,  122.,  123.],\n" +
            "        [ 124.,  125.,  126., ...,  133.,  134.,  135.],\n" +
            "        ...,\n" +
            "        [1264., 1265., 1266., ..., 1273., 1274., 1275.],\n" +
            "        [1276., 1277., 1278., ..., 1285., 1286., 1287.],\n" +
            "        [1288., 1289., 1290., ..., 1297., 1298., 1299.]], shape=(100, 12), dtype=float32)", matrix);
    }

    [Fact]
    public void IndexAndRangeSelectAsNumPy()
    {
        var x = Range(24, 4, 3, 2);
        Assert.Equal([3, 2], x[0].Shape);
        Assert.Equal([18f, 19, 20, 21, 22, 23], x[^1].Data);
        Assert.Equal([2, 3, 2], x[..2].Shape);
        Assert.Equal(Range(12, 12).Data, x[..2].Data);
        var m = Range(12, 4, 3);
        Assert.Equal([2f, 5, 8, 11], m[.., 2].Data);
        Assert.Equal([4], m[.., 2].Shape);
        Assert.Equal([4f, 5], m[1, 1..].Data);
        Assert.Equal([7f, 8, 10, 11], m[2..4, 1..].Data);
        Assert.Equal(7f, m[2, 1]); // a full index still reads one value
        Assert.Equal([], Range(3, 3)[1].Shape);
        Assert.Equal(1f, Range(3, 3)[1].Item());
        Assert.Contains("Index 4 on axis 0", Assert.Throws<ArgumentOutOfRangeException>(() => m[4]).Message);
        Assert.Contains("Range 2..9 on axis 0", Assert.Throws<ArgumentOutOfRangeException>(() => m[2..9]).Message);
    }

    [Fact]
    public void GradientsFlowThroughASelection()
    {
        var m = Range(6, 2, 3);
        m.RequiresGrad = true;
        var picked = m[.., 1];
        new Graph(Tensor.Sum(picked)).Backward();
        Assert.Equal([0f, 1, 0, 0, 1, 0], m.Grad!.Data);
    }
}
