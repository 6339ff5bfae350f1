namespace InvoiceMvc.Domain.Lifecycle;

/// <summary>How a payment was made. Stored as smallint (payments.method, CHECKed to this range).</summary>
public enum PaymentMethod
{
    BankTransfer = 0,
    Card = 1,
    Cash = 2,
    MobileMoney = 3,
}
