using InvoiceMvc.Domain.Invoices;
using InvoiceMvc.Infrastructure.Events;

namespace InvoiceMvc.Infrastructure.Persistence;

/// <summary>The outcome of one committed tick: the invoice and the live state as of its transaction.</summary>
public sealed record ProducedInvoice(Invoice Invoice, LiveState State);
