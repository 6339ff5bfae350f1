using InvoiceMvc.Web.Security;

namespace InvoiceMvc.Web;

public static class WebServices
{
    public static IHostApplicationBuilder AddWebServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddControllersWithViews();
        builder.Services.AddAntiforgery(o => o.HeaderName = "RequestVerificationToken");
        builder.Services.AddProblemDetails();
        builder.AddSecurity();
        return builder;
    }

    public static WebApplication UseWebPipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Home/Error");
        }

        app.UseStatusCodePagesWithReExecute("/Home/Status/{0}");
        app.UseStaticFiles();
        app.UseRouting();
        app.UseSecurity();
        app.UseAntiforgery();
        app.MapControllers();
        return app;
    }
}
