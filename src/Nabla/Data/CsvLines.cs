using System.Text;

namespace Nabla.Data;

/// <summary>The lines of a text file, each refused as soon as it grows past a limit: a file of one huge
/// line must not be read whole into one string first.</summary>
internal static class CsvLines
{
    public static IEnumerable<string> Read(string path, int maxChars)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var line = new StringBuilder();
        var buffer = new char[1 << 14];
        int lineNumber = 1;
        bool pendingCarriageReturn = false;
        int read;
        while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            for (int i = 0; i < read; i++)
            {
                char c = buffer[i];
                if (pendingCarriageReturn)
                {
                    pendingCarriageReturn = false;
                    if (c == '\n') continue;
                }
                if (c is '\n' or '\r')
                {
                    pendingCarriageReturn = c == '\r';
                    yield return line.ToString();
                    line.Clear();
                    lineNumber++;
                    continue;
                }
                if (line.Length >= maxChars)
                    throw DataFormatException.AtLine(path, lineNumber,
                        $"lines of at most {maxChars} characters (CsvOptions.MaxLineChars)", "a longer line");
                line.Append(c);
            }
        }
        if (line.Length > 0) yield return line.ToString();
    }
}
