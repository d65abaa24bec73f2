namespace Nabla.Doctor;

/// <summary>The layers the doctor watches: every built layer with a kernel, through the layer contract.</summary>
internal static class WatchedLayers
{
    public static List<WatchedLayer> Of(Model model)
    {
        var list = new List<WatchedLayer>();
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var layer = model.Layers[i];
            if (!layer.IsBuilt || layer.Kernels.Count == 0) continue;
            var kernel = layer.Kernels[0];
            list.Add(new WatchedLayer
            {
                Layer = layer,
                Index = i,
                Kernel = kernel,
                OtherWeights = layer.TrainableWeights.Where(w => layer.Kernels.All(k => !ReferenceEquals(k.Weight, w))).ToList(),
            });
        }
        return list;
    }
}
