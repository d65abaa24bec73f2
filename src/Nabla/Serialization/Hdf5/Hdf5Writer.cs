using PureHDF;

namespace Nabla.Serialization.Hdf5;

/// <summary>Writes an HDF5 tree to any stream: PureHDF writes to a readable, seekable stream, so the file is built
/// in memory first (weights files are the model's size), then copied out. Datasets are contiguous, as h5py (and so
/// Keras) writes them, not compact.</summary>
internal static class Hdf5Writer
{
    public static void Write(H5File file, Stream destination)
    {
        using var buffer = new MemoryStream();
        file.Write(buffer, new H5WriteOptions(PreferCompactDatasetLayout: false));
        buffer.Position = 0;
        buffer.CopyTo(destination);
    }
}
