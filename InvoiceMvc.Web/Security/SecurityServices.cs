using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Hangfire;
using Hangfire.Dashboard;
using Htmx;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>Sign-in with roles, the admin-only Hangfire dashboard, rate limits and security headers.</summary>
public static class SecurityServices
{
    // The dashboard is built for these: scripts and styles from our own files only, htmx configured without eval.
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    // Hangfire's own pages set inline styles (progress bars, charts); they still load no foreign or inline script.
    private const string HangfireContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public static IHostApplicationBuilder AddSecurity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SeedOptions>, SeedOptionsValidator>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // One key ring for all instances: a cookie or antiforgery token from one must be readable by the others.
        services.AddDataProtection().SetApplicationName("InvoiceMvc");
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new DataProtectionKeyRepository(sp.GetRequiredService<IServiceScopeFactory>())));

        services.AddIdentity<IdentityUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = 12;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Lockout.AllowedForNewUsers = true;
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<InvoiceDbContext>()
            .AddDefaultTokenProviders();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "InvoiceMvc.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.LoginPath = "/account/login";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context =>
            {
                // Browsers navigating get the sign-in page; htmx and API clients get a plain 401.
                if (IsBrowserNavigation(context.Request))
                {
                    // A POST cannot be replayed by a redirect: come back to the dashboard instead.
                    var returnUrl = HttpMethods.IsGet(context.Request.Method) ? context.Request.PathBase + context.Request.Path + context.Request.QueryString : "/";
                    context.Response.Redirect($"{o.LoginPath}?ReturnUrl={Uri.EscapeDataString(returnUrl)}");
                }
                else
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    if (context.Request.IsHtmx())
                    {
                        context.Response.Headers["HX-Redirect"] = o.LoginPath.Value;
                    }
                }

                return Task.CompletedTask;
            };
            o.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Control, p => p.RequireRole(Roles.Operator, Roles.Admin))
            .AddPolicy(Policies.Admin, p => p.RequireRole(Roles.Admin));
        services.AddHostedService<IdentitySeeder>();

        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, _) =>
            {
                var window = context.HttpContext.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.WindowSeconds;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : window;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(RateLimitPolicies.SignIn, http => PerClient(http, limits => limits.SignInPermitLimit));
            o.AddPolicy(RateLimitPolicies.Control, http => PerClient(http, limits => limits.ControlPermitLimit));
        });
        return builder;
    }

    /// <summary>Security headers on every response; call first in the pipeline.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        // Behind a reverse proxy the client's address (rate limits, audit log) and scheme come from X-Forwarded-*,
        // trusted only from loopback and the proxies listed in ReverseProxy:KnownProxies.
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        foreach (var proxy in app.Configuration.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
        {
            forwarded.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new OptionsValidationException("ReverseProxy", typeof(ForwardedHeadersOptions), [$"ReverseProxy:KnownProxies: '{proxy}' is not an IP address."]));
        }

        app.UseForwardedHeaders(forwarded);
        var useHttps = !app.Environment.IsDevelopment() && HttpsConfigured(app.Configuration);
        if (useHttps)
        {
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        app.Use((context, next) =>
        {
            // Decided now: the Hangfire endpoint moves "/hangfire" from Path to PathBase before the response starts.
            var csp = context.Request.Path.StartsWithSegments("/hangfire") ? HangfireContentSecurityPolicy : ContentSecurityPolicy;
            // OnStarting, so error pages and status pages (which clear headers) carry them too.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = csp;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }

    /// <summary>Authentication, authorization, rate limits and the admin-only Hangfire dashboard; call right after UseRouting.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        // An authorization policy instead of Hangfire's local-requests-only default, so it works behind a reverse proxy.
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, "/hangfire", new DashboardOptions
        {
            Authorization = Array.Empty<IDashboardAuthorizationFilter>(),
            AppPath = "/",
            DashboardTitle = "InvoiceMvc jobs",
        }, app.Services.GetRequiredService<JobStorage>()); // this app's storage, not JobStorage.Current (docs/decisions/006)
        return app;
    }

    private static RateLimitPartition<string> PerClient(HttpContext http, Func<RateLimitOptions, int> permits)
    {
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(limits),
            Window = TimeSpan.FromSeconds(limits.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static bool IsBrowserNavigation(HttpRequest request) =>
        !request.IsHtmx() &&
        request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private static bool HttpsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["HTTPS_PORTS"]) ||
        !string.IsNullOrWhiteSpace(configuration["https_port"]) ||
        (configuration["urls"]?.Contains("https://", StringComparison.OrdinalIgnoreCase) ?? false);
}
