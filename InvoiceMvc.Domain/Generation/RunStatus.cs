namespace InvoiceMvc.Domain.Generation;

public enum RunStatus
{
    Running = 1,
    Stopped = 2,
    Completed = 3,
    Failed = 4,
}
