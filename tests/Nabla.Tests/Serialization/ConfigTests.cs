using Nabla.Configuration;

namespace Nabla.Tests.Serialization;

public class ConfigTests
{
    [Fact]
    public void DeepCloneKeepsClrIntegersAndFloatsAsNumbers()
    {
        var config = new Config { ["units"] = 5, ["rate"] = 0.5f, ["name"] = "x", ["shape"] = new[] { 1, 2 } };
        var clone = config.DeepClone();
        Assert.Equal(5L, clone["units"]);
        Assert.Equal(0.5, clone["rate"]);
        Assert.Equal(new List<object?> { 1L, 2L }, clone["shape"]);
    }

    [Fact]
    public void TypedGettersNameTheKeyAndWhatWasFound()
    {
        var config = Config.Parse("""{"units": "many", "use_bias": 1}""");
        var e = Assert.Throws<ArgumentException>(() => config.GetInt("units"));
        Assert.Contains("'units'", e.Message);
        Assert.Contains("\"many\"", e.Message);
        e = Assert.Throws<ArgumentException>(() => config.GetBool("use_bias", true));
        Assert.Contains("boolean", e.Message);
        Assert.Contains("missing", Assert.Throws<ArgumentException>(() => config.GetDouble("rate")).Message);
    }

    [Fact]
    public void RegistryAcceptsSnakeAndClassNamesAndListsValidNames()
    {
        var registry = new Registry<string>("thing").Add("HeUniform", _ => "he", "he_uniform");
        Assert.Equal("he", registry.Get("he_uniform"));
        Assert.Equal("he", registry.Get("HeUniform"));
        var e = Assert.Throws<ArgumentException>(() => registry.Get("he_normal"));
        Assert.Contains("Unknown thing 'he_normal'", e.Message);
        Assert.EndsWith("Valid thing names: he_uniform.", e.Message); // once, by its identifier
        Assert.Contains("Did you mean 'he_uniform'?", Assert.Throws<ArgumentException>(() => registry.Get("he_unifrom")).Message);
    }
}
