using Nabla.Data;

namespace Nabla.Tests.Data;

/// <summary><see cref="Preprocessing.PadSequences(IReadOnlyList{IReadOnlyList{int}}, int?, string, string, float)"/>:
/// Keras's pad_sequences (keras/src/utils/sequence_utils.py; its defaults padding="pre", truncating="pre", value=0.0
/// and maxlen=None, the longest sequence, are the docstring's).</summary>
public class PadSequencesTests
{
    private static readonly int[][] Sequences = [[1], [2, 3], [4, 5, 6]];

    private static float[] Values(Tensor t) => t.Data.AsSpan(0, t.Size).ToArray();

    [Fact]
    public void By_default_sequences_are_padded_before_to_the_longest_as_kerass_docstring_shows()
    {
        // keras.utils.pad_sequences([[1], [2, 3], [4, 5, 6]]) == [[0, 0, 1], [0, 2, 3], [4, 5, 6]]
        var padded = Preprocessing.PadSequences(Sequences);
        Assert.Equal([3, 3], padded.Shape);
        Assert.Equal([0f, 0f, 1f, 0f, 2f, 3f, 4f, 5f, 6f], Values(padded));
    }

    [Fact]
    public void Value_padding_post_and_maxlen_cut_as_keras_does()
    {
        // value=-1: [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]; padding="post": [[1, 0, 0], [2, 3, 0], [4, 5, 6]];
        // maxlen=2: [[0, 1], [2, 3], [5, 6]] (truncating "pre" keeps the last entries); truncating="post": [4, 5].
        Assert.Equal([-1f, -1f, 1f, -1f, 2f, 3f, 4f, 5f, 6f], Values(Preprocessing.PadSequences(Sequences, value: -1)));
        Assert.Equal([1f, 0f, 0f, 2f, 3f, 0f, 4f, 5f, 6f], Values(Preprocessing.PadSequences(Sequences, padding: "post")));
        Assert.Equal([0f, 1f, 2f, 3f, 5f, 6f], Values(Preprocessing.PadSequences(Sequences, maxlen: 2)));
        Assert.Equal([0f, 1f, 2f, 3f, 4f, 5f], Values(Preprocessing.PadSequences(Sequences, maxlen: 2, truncating: "post")));
        Assert.Equal([0f, 0f, 0f, 0f, 7f, 8f], Values(Preprocessing.PadSequences([[], [7, 8]], maxlen: 3)));
    }

    [Fact]
    public void Unknown_modes_and_lengths_are_refused()
    {
        Assert.Throws<ArgumentException>(() => Preprocessing.PadSequences(Sequences, padding: "middle"));
        Assert.Throws<ArgumentException>(() => Preprocessing.PadSequences(Sequences, truncating: "both"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Preprocessing.PadSequences(Sequences, maxlen: 0));
        Assert.Throws<ArgumentException>(() => Preprocessing.PadSequences(new int[][] { [], [] }));
    }
}
