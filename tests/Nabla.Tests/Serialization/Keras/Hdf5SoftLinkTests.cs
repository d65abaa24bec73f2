using Nabla.Data;
using Nabla.Layers;
using Nabla.Serialization.Hdf5;
using PureHDF;

namespace Nabla.Tests.Serialization.Keras;

/// <summary>Soft links that lead back to themselves: PureHDF follows them until the stack overflows, which kills the
/// process, so the reader must refuse them first (fuzzing found an empty-named link with an empty target).</summary>
public sealed class Hdf5SoftLinkTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("nabla-softlinks-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static Sequential Model() => new(new Dense(3, activation: "relu", inputShape: [2]), new Dense(1));

    private string Write(string name, H5File file)
    {
        string path = Path.Combine(folder, name + ".weights.h5");
        file.Write(path);
        return path;
    }

    [Theory]
    [InlineData("x", "x -> x")]
    [InlineData("/layers/x", "x -> x")]
    [InlineData("./x", "x -> x")]
    public void A_soft_link_to_itself_is_refused_by_name(string target, string cycle)
    {
        var file = new H5File { ["layers"] = new H5Group { ["x"] = new H5SoftLink(target) } };
        var error = Assert.Throws<DataFormatException>(() => Model().LoadWeights(Write("self", file)));
        Assert.Contains($"soft link 'x' in group 'layers': expected a link that leads to an object; found a cycle of soft links: {cycle}", error.Message);
    }

    [Fact]
    public void A_cycle_of_two_soft_links_is_refused()
    {
        var file = new H5File { ["layers"] = new H5Group { ["a"] = new H5SoftLink("b"), ["b"] = new H5SoftLink("/layers/a") } };
        var error = Assert.Throws<DataFormatException>(() => Model().LoadWeights(Write("pair", file)));
        Assert.Contains("found a cycle of soft links: a -> b -> a", error.Message);
    }

    [Fact]
    public void A_cycle_through_another_group_reads_the_file_and_is_stopped_before_the_stack_runs_out()
    {
        // Each step opens the other group again from the file, where the guarded stream checks the stack: PureHDF then
        // reports the link unresolved and the loader finds the layers' weights missing.
        var file = new H5File
        {
            ["layers"] = new H5Group { ["x"] = new H5SoftLink("/other/y") },
            ["other"] = new H5Group { ["y"] = new H5SoftLink("/layers/x") },
        };
        var error = Assert.Throws<DataFormatException>(() => Model().LoadWeights(Write("across", file)));
        Assert.Contains("missing 'layers/dense/vars'", error.Message);
    }

    [Fact]
    public void A_soft_link_that_leads_somewhere_is_not_refused()
    {
        var file = new H5File { ["layers"] = new H5Group { ["x"] = new H5SoftLink("/elsewhere") }, ["elsewhere"] = new H5Group() };
        var error = Assert.Throws<DataFormatException>(() => Model().LoadWeights(Write("plain", file)));
        Assert.DoesNotContain("soft link", error.Message);
        Assert.Contains("missing 'layers/dense/vars'", error.Message);
    }

    [Fact]
    public void The_internal_members_the_check_reads_exist_in_the_pinned_PureHDF()
    {
        Assert.NotNull(SoftLinkCycles.Header);
        Assert.NotNull(SoftLinkCycles.Messages);
        Assert.NotNull(SoftLinkCycles.Data);
        Assert.NotNull(SoftLinkCycles.LinkMessage);
        Assert.NotNull(SoftLinkCycles.LinkName);
        Assert.NotNull(SoftLinkCycles.LinkInfo);
        Assert.NotNull(SoftLinkCycles.SoftTarget);
    }
}
