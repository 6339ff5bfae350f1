using InvoiceMvc.Domain.Lifecycle;

namespace InvoiceMvc.Infrastructure.Lifecycle;

// Closed result types, as in Generation/GenerationResults.cs: a private constructor (no case can be
// added outside this file) and Match naming every case, so a new case breaks each caller at compile time.

/// <summary>What recording a payment did.</summary>
public abstract record PaymentResult
{
    private PaymentResult()
    {
    }

    public abstract T Match<T>(Func<Recorded, T> recorded, Func<Duplicate, T> duplicate, Func<NotFound, T> notFound, Func<Rejected, T> rejected);

    /// <summary>Recorded, with the invoice's standing right after it (on the clock's UTC day).</summary>
    public sealed record Recorded(long PaymentId, InvoiceStanding Standing, long InvoiceId) : PaymentResult
    {
        public override T Match<T>(Func<Recorded, T> recorded, Func<Duplicate, T> duplicate, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => recorded(this);
    }

    /// <summary>The idempotency key was used before: nothing recorded, this is the payment it recorded.</summary>
    public sealed record Duplicate(long PaymentId) : PaymentResult
    {
        public override T Match<T>(Func<Recorded, T> recorded, Func<Duplicate, T> duplicate, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => duplicate(this);
    }

    public sealed record NotFound(string InvoiceNumber) : PaymentResult
    {
        public override T Match<T>(Func<Recorded, T> recorded, Func<Duplicate, T> duplicate, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => notFound(this);
    }

    /// <summary>Nothing recorded; <see cref="Field"/> is the <see cref="PaymentRequest"/> property at fault.</summary>
    public sealed record Rejected(string Field, string Message) : PaymentResult
    {
        public override T Match<T>(Func<Recorded, T> recorded, Func<Duplicate, T> duplicate, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => rejected(this);
    }
}

/// <summary>What voiding an invoice did.</summary>
public abstract record VoidResult
{
    private VoidResult()
    {
    }

    public abstract T Match<T>(Func<Voided, T> voided, Func<NotFound, T> notFound, Func<Rejected, T> rejected);

    public sealed record Voided(long InvoiceId, DateTimeOffset VoidedAt) : VoidResult
    {
        public override T Match<T>(Func<Voided, T> voided, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => voided(this);
    }

    public sealed record NotFound(string InvoiceNumber) : VoidResult
    {
        public override T Match<T>(Func<Voided, T> voided, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => notFound(this);
    }

    /// <summary>Nothing changed; <see cref="Field"/> is "Reason" or "InvoiceNumber".</summary>
    public sealed record Rejected(string Field, string Message) : VoidResult
    {
        public override T Match<T>(Func<Voided, T> voided, Func<NotFound, T> notFound, Func<Rejected, T> rejected) => rejected(this);
    }
}
