using Nabla.Data;
using Nabla.Optimizers;

namespace Nabla.Serialization;

/// <summary>
/// The boundary where a file's values are handed to the models, layers and optimizers. Those refuse a bad value
/// with their API's exception (ArgumentException for a bad config or weight, InvalidOperationException...); read
/// from a file, the bad value is the file's fault, so it is reported as a <see cref="DataFormatException"/> naming
/// the file, the entry and the field, with the refusal as the inner exception. NotSupportedException (a Keras
/// feature Nabla does not implement) passes through unchanged.
/// </summary>
internal static class FileContent
{
    /// <summary>Runs <paramref name="use"/>, which interprets <paramref name="field"/> of <paramref name="source"/>.</summary>
    public static T Use<T>(string source, string field, string expected, Func<T> use)
    {
        try
        {
            return use();
        }
        catch (Exception e) when (IsRefusal(e))
        {
            throw DataFormatException.AtField(source, field, expected, e.Message, e);
        }
    }

    /// <inheritdoc cref="Use{T}(string, string, string, Func{T})"/>
    public static void Use(string source, string field, string expected, Action use) =>
        Use(source, field, expected, () =>
        {
            use();
            return 0;
        });

    /// <summary>Sets a model's weights read from a file (SetWeights refuses NaN and ±Inf, naming the weight).</summary>
    public static void SetWeights(Model model, IReadOnlyList<Tensor> values, string source) =>
        Use(source, "weights", "finite weight values", () => model.SetWeights(values));

    /// <summary>
    /// Restores an optimizer's saved moments and step count: <paramref name="iterations"/> in [0, 2^53] and every
    /// moment finite (second moments non-negative), each checked before anything is written, each refusal naming
    /// its field.
    /// </summary>
    public static void RestoreOptimizer(Optimizer optimizer, string source,
        IReadOnlyList<(Tensor Weight, string Name, float[] Values, string Field)> states, long iterations, string iterationsField)
    {
        if (iterations is < 0 or > Optimizer.MaxIterations)
            throw DataFormatException.AtField(source, iterationsField, $"iterations in [0, {Optimizer.MaxIterations}] (2^53)", $"{iterations}");
        foreach (var (weight, name, values, field) in states)
            Use(source, field, $"finite {optimizer.ClassName} state values", () => optimizer.CheckState(weight, name, values));
        foreach (var (weight, name, values, _) in states) optimizer.RestoreState(weight, name, values);
        optimizer.Iterations = iterations;
    }

    private static bool IsRefusal(Exception e) =>
        e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or OverflowException
            or KeyNotFoundException or InvalidCastException or FormatException;
}
