namespace InvoiceMvc.Web.Analytics;

/// <summary>The partials the live stream renders (the same ones the page includes).</summary>
public static class AnalyticsPartials
{
    public const string Chart = "~/Views/Analytics/_Chart.cshtml";
    public const string Table = "~/Views/Analytics/_DataTable.cshtml";
    public const string Figures = "~/Views/Analytics/_Figures.cshtml";
}
