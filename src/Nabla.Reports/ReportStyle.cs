namespace Nabla.Reports;

/// <summary>The report's stylesheet, inlined so the file stands alone (no fonts or scripts fetched).</summary>
internal static class ReportStyle
{
    public const string Css = """
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.45; }
        h1 { margin-bottom: 0.2rem; }
        h2 { border-bottom: 2px solid #ddd; padding-bottom: 0.2rem; margin-top: 2.5rem; }
        nav ul { padding-left: 1.2rem; }
        .verdict { display: inline-block; padding: 0.15rem 0.6rem; border-radius: 0.3rem; font-weight: 600; color: #fff; }
        .verdict.healthy { background: #2e7d32; }
        .verdict.unhealthy { background: #c62828; }
        .finding { border-left: 5px solid #999; background: #fafafa; padding: 0.5rem 1rem; margin: 1rem 0; }
        .finding.error { border-color: #c62828; }
        .finding.warning { border-color: #ef8f00; }
        .finding.info { border-color: #1565c0; }
        .severity { font-weight: 700; text-transform: uppercase; font-size: 0.8rem; margin-right: 0.5rem; }
        .finding.error .severity { color: #c62828; }
        .finding.warning .severity { color: #b26a00; }
        .finding.info .severity { color: #1565c0; }
        code, .code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        pre { background: #f4f4f4; padding: 0.6rem; overflow-x: auto; }
        table { border-collapse: collapse; margin: 0.5rem 0; font-size: 0.9rem; display: block; overflow-x: auto; max-width: 100%; }
        th, td { border: 1px solid #ccc; padding: 0.2rem 0.5rem; text-align: left; vertical-align: top; }
        th { background: #f0f0f0; }
        tr.threshold td { color: #666; font-style: italic; }
        tr.kept td { background: #e8f5e9; }
        figure.chart { margin: 1rem 0; }
        figure.chart img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { font-size: 0.85rem; color: #555; max-width: 720px; }
        .muted { color: #666; }
        """;
}
