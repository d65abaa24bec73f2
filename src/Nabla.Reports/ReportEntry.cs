using Nabla.Doctor;

namespace Nabla.Reports;

/// <summary>
/// One diagnosed run in a report: its title, the doctor's diagnosis, the repair that followed (if any) and
/// the model (for its summary table; without it the report lists the layers the doctor monitored).
/// </summary>
public sealed record ReportEntry(string Title, Diagnosis Diagnosis, RepairReport? Repair = null, Model? Model = null)
{
    /// <summary>The model to summarize: the given one, else the repaired experiment's original model.</summary>
    internal Model? SummaryModel => Model ?? Repair?.Original.Model;
}
