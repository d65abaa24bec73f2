using Nabla.Layers;

namespace Nabla.Tests.Models;

public class MemoryTests
{
    /// <summary>
    /// Issue 6: no heap growth over 20 epochs. Fit allocates a little per epoch (logs, history entries),
    /// never per step: 20 epochs of 50 steps each must allocate far less than one step's activations.
    /// </summary>
    [Fact]
    public void TwentyEpochsAllocateOnlyPerEpochBookkeeping()
    {
        var (x, labels) = Nabla.Data.Synthetic.Classification(1600, 64, 4, seed: 2);
        var y = Nabla.Data.Preprocessing.ToCategorical(labels, 4);
        Utils.SetRandomSeed(5);
        var model = new Sequential(new Dense(32, activation: "relu", inputShape: [64]), new Dense(4, activation: "softmax"));
        model.Compile("adam", "categorical_crossentropy", ["accuracy"]);
        model.Fit(x, y, epochs: 1, verbose: 0); // captures the graph
        long before = GC.GetAllocatedBytesForCurrentThread();
        model.Fit(x, y, epochs: 20, verbose: 0);
        long perEpoch = (GC.GetAllocatedBytesForCurrentThread() - before) / 20;
        // A per-step leak of even one 32×64 float buffer would add 50·8 KiB = 400 KiB per epoch.
        Assert.True(perEpoch < 16 * 1024, $"Fit allocated {perEpoch} bytes per epoch.");
    }
}
