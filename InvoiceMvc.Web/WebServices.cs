using System.Text.Encodings.Web;
using System.Text.Unicode;
using Hangfire;
using InvoiceMvc.Web.Analytics;
using InvoiceMvc.Web.Dashboard;
using InvoiceMvc.Web.Invoices;
using InvoiceMvc.Web.Operations;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.WebEncoders;
using InvoiceMvc.Web.Security;

namespace InvoiceMvc.Web;

public static class WebServices
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddControllersWithViews();
        services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");
        services.AddProblemDetails();
        // Names like "Müller GmbH" stay readable in the HTML (and in every SSE frame) instead of &#xFC;.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

        services.AddOptions<DisplayOptions>().BindConfiguration(DisplayOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<DisplayOptions>, DisplayOptionsValidator>();
        services.AddSingleton<DashboardMetrics>();
        services.AddSingleton<StreamAdmission>();
        services.AddSingleton<DashboardFormatter>();
        services.AddSingleton<PartialRenderer>();
        services.AddSingleton<InvoiceFrameCache>();
        services.AddSingleton<LiveFrames>();
        services.AddSingleton<ChangedRowFrames>();
        services.AddSingleton<InvoiceDetailStream>();
        services.AddSingleton<InvoiceLifecyclePages>();
        services.AddSingleton<LedgerViews>();
        services.AddSingleton<Cursors>();
        services.AddSingleton<DashboardStream>();
        services.AddScoped<InvoicePages>();
        services.AddScoped<InvoiceExplorer>();
        services.AddSingleton<FluentValidation.IValidator<InvoiceFilterInput>, InvoiceFilterValidator>();
        services.AddSingleton<InvoiceDocuments>();
        services.AddSingleton<FluentValidation.IValidator<AnalyticsInput>, AnalyticsInputValidator>();
        services.AddSingleton<AnalyticsReport>();
        services.AddSingleton<AnalyticsFrames>();
        services.AddSingleton<AnalyticsStream>();
        // The read API's document at /openapi/v1.json: the /api endpoints only, not the pages.
        services.AddOpenApi(o =>
        {
            o.ShouldInclude = d => d.RelativePath?.StartsWith("api/", StringComparison.Ordinal) == true;
            o.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "InvoiceMvc read API";
                document.Info.Description = "Invoices as JSON: the explorer's filter, keyset pages, one invoice by number; analytics of a date range.";
                return Task.CompletedTask;
            });
        });
        builder.AddOperations();
        builder.AddSecurity();
        return builder;
    }

    /// <summary>The request pipeline, in the order a request meets it.</summary>
    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Home/Error");
        }

        // Inside the generic handler (and the developer page): an outage is a 503 in every environment.
        app.UseDatabaseOutageAs503();

        // Inside the error handlers, outside all the rest: an SSE stream is written here, once routing,
        // authentication, the rate limiter and MVC have finished with the request, so an open stream holds none of their state.
        app.Use(EventStreamResult.WriteAfterPipelineAsync);
        app.UseStatusCodePagesWithReExecute("/Home/Status/{0}");
        app.UseMalformedFormsAs400();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseOperations();
        app.UseSecurity();
        app.UseAntiforgery();
        app.MapOperations();
        app.MapHangfireDashboardForAdmins();
        app.MapControllers();
        app.MapOpenApi();
        return app;
    }
}
