using Hangfire;
using InvoiceMvc.Web.Operations;

namespace InvoiceMvc.Web;

public static class WebServices
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddControllersWithViews();
        builder.Services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");
        builder.Services.AddProblemDetails();
        builder.AddOperations();
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Home/Error");
        }

        app.UseStatusCodePagesWithReExecute("/Home/Status/{0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.MapOperations();
        app.UseAntiforgery();
        app.UseHangfireDashboard("/hangfire");
        app.MapControllers();
        return app;
    }
}
