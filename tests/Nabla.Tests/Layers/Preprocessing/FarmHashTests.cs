using System.Text;
using Nabla.Layers;

namespace Nabla.Tests.Layers;

/// <summary>FarmHash Fingerprint64, against published values, and TensorFlow's buckets of it.</summary>
public class FarmHashTests
{
    /// <summary>Fingerprint64 values published by tecnickcom/farmhash64 (python/tests/test_farmhash64.py), one or more for
    /// each length branch: 0, 1-3, 4-7, 8-16, 17-32, 33-64 and above 64 bytes.</summary>
    public static TheoryData<string, ulong> Published => new()
    {
        { "", 0x9ae16a3b2f90404fUL },
        { "a", 0xb3454265b6df75e3UL },
        { "abc", 0x24a5b3a074e7f369UL },
        { "abcd", 0x1a5502de4a1f8101UL },
        { "abcdefg", 0x3c40c92b1ccb7355UL },
        { "abcdefgh", 0xfee9d22990c82909UL },
        { "0123456789'01234", 0x4283d4ef43627f64UL },
        { "0123456789=012345", 0x46a7416ed4861e3bUL },
        { "C is as portable as Stonehedge!!", 0xb944f8a16261e414UL },
        { "Discard medicine more than two years old.", 0xe8f89ab6df9bdd25UL },
        { "He who has a shady past knows that nice guys finish last.", 0x786d7e1987023ca9UL },
        { "For every action there is an equal and opposite government program.", 0x55182f8859eca4ceUL },
        { "There is no reason for any individual to have a computer in their home. -Ken Olsen, 1977", 0x7e85d7b050ed2967UL },
        { "The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole fraction.  Lewis-Randall Rule", 0x098eff6958c5e91aUL },
    };

    [Theory]
    [MemberData(nameof(Published))]
    public void Fingerprint64MatchesPublishedValues(string text, ulong expected) =>
        Assert.Equal(expected, FarmHash.Fingerprint64(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void BucketsMatchTensorFlowsDocstring()
    {
        // tf.strings.to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3) -> [0, 2, 2] (TensorFlow's docstring).
        Assert.Equal([0, 2, 2], new[] { "Hello", "TensorFlow", "2.x" }.Select(s => FarmHash.Bucket(s, 3)));
    }
}
