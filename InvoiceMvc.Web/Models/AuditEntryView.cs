using System.Globalization;
using InvoiceMvc.Infrastructure.Audit;

namespace InvoiceMvc.Web.Models;

/// <summary>One row of the audit log page, formatted for display.</summary>
public sealed record AuditEntryView(long Id, string OccurredAtUtc, string UserName, string? RemoteAddress, string Action, string Outcome, long? RunId)
{
    public static AuditEntryView From(AuditEntry entry) => new(
        entry.Id,
        entry.OccurredAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        entry.UserName,
        entry.RemoteAddress,
        entry.Action,
        entry.Outcome,
        entry.RunId);
}
