using Nabla.Fuzz;
using SharpFuzz;

// Long fuzzing of one reader with AFL (see docs/reliability.md):
//   dotnet build -c Release tests/Fuzz && sharpfuzz tests/Fuzz/bin/Release/net10.0/Nabla.dll
//   afl-fuzz -i tests/Fuzz/corpus/npy -o findings -t 5000 -m 10000 -- dotnet tests/Fuzz/bin/Release/net10.0/Nabla.Fuzz.dll npy
if (args.Length != 1 || !FuzzTargets.All.ContainsKey(args[0]))
{
    Console.Error.WriteLine($"usage: Nabla.Fuzz <{string.Join('|', FuzzTargets.All.Keys)}>");
    return 2;
}
string format = args[0];
string scratch = Directory.CreateTempSubdirectory("nabla-fuzz-").FullName;
Fuzzer.OutOfProcess.Run(stream =>
{
    using var memory = new MemoryStream();
    stream.CopyTo(memory);
    FuzzTargets.Run(format, memory.ToArray(), scratch);
});
return 0;
