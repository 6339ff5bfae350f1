using InvoiceMvc.Infrastructure.Persistence;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Models;

namespace InvoiceMvc.Web.Invoices;

/// <summary>
/// Pages of invoice rows as the views show them: the dashboard's first page and the grid's
/// infinite scroll read through here, so the explorer's filters and sorts have one place to grow.
/// </summary>
public sealed class InvoicePages(InvoiceQueries queries, DashboardFormatter formatter)
{
    /// <summary>Newest first, strictly older than <paramref name="before"/> (null = from the newest).</summary>
    public async Task<InvoicePageView> NewestFirstAsync(long? before, int size, CancellationToken cancellationToken)
    {
        var invoices = await queries.PageNewestFirstAsync(before, size, cancellationToken);
        // Ids are gapless from 1, but a short page is the end whatever the ids say.
        var isEnd = invoices.Count < size || invoices[^1].Id <= 1;
        return new InvoicePageView(
            invoices.Select(i => formatter.Row(i)).ToList(),
            isEnd ? null : invoices[^1].Id,
            size);
    }
}
