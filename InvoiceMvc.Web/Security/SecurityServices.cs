using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Hangfire;
using Hangfire.Dashboard;
using Htmx;
using InvoiceMvc.Infrastructure.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace InvoiceMvc.Web.Security;

/// <summary>Sign-in with roles, the admin-only Hangfire dashboard, rate limits, server limits and security headers.</summary>
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
        services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<KestrelLimitsOptions>().BindConfiguration(KestrelLimitsOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IConfigureOptions<KestrelServerOptions>, ConfigureKestrelLimits>();

        // One key ring for all instances: a cookie or antiforgery token from one must be readable by the others.
        services.AddDataProtection().SetApplicationName("InvoiceMvc").PersistKeysToDbContext<InvoiceDbContext>();

        services.AddIdentity<IdentityUser, IdentityRole>(o =>
            {
                o.Password.RequiredLength = 12;
                // No lockout options: failed sign-ins never lock an account (anyone could lock the admin out);
                // SignInThrottle slows and refuses the guessing client instead (docs/decisions/012-sign-in-throttling.md).
                o.User.RequireUniqueEmail = false;
            })
            .AddEntityFrameworkStores<InvoiceDbContext>()
            .AddDefaultTokenProviders();
        // Every request checks the cookie's security stamp against the database, so sign-out, a password change or
        // a role change ends a session at once on every instance; the principal (roles) is re-read with it.
        services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.Zero);
        services.AddSingleton<UnknownUserPassword>();
        services.AddSingleton<SignInThrottle>();
        services.AddScoped<PasswordSignIn>();
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
                // Browsers navigating get the sign-in page; htmx and API clients get a plain 401 (problem details for JSON).
                if (ApiClients.IsBrowserNavigation(context.Request))
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
                var limits = context.HttpContext.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? (int)Math.Ceiling(after.TotalSeconds) : limits.WindowSeconds;
                context.HttpContext.Response.Headers.RetryAfter = Math.Max(1, retryAfter).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
            o.AddPolicy(RateLimitPolicies.SignIn, http => PerClientWindow(http, "sign-in", limits => limits.SignInPermitLimit));
            o.AddPolicy(RateLimitPolicies.Control, http => PerClientWindow(http, "control", limits => limits.ControlPermitLimit));
            // Every page and API call (each one a database query), on top of the policies above; health, metrics and
            // the streams (capped by StreamAdmission) are not counted, static files never reach the limiter, nor do re-executed error pages.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsUnlimited(http)
                    ? RateLimitPartition.GetNoLimiter("unlimited")
                    : PerClientWindow(http, "pages", limits => limits.PagePermitLimit));
        });
        return builder;
    }

    /// <summary>Forwarded headers (from configured proxies only) and security headers on every response; call first in the pipeline.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        // No proxy configured: no forwarded headers at all (empty trust lists would make the middleware trust every peer).
        if (ForwardedHeadersFrom(app.Configuration) is { } forwarded)
        {
            app.UseForwardedHeaders(forwarded);
        }

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

    /// <summary>Authentication, authorization and rate limits; call after UseRouting, so the limiter sees each endpoint's policy.</summary>
    public static WebApplication UseSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>The Hangfire dashboard at /hangfire, for admins only.</summary>
    public static WebApplication MapHangfireDashboardForAdmins(this WebApplication app)
    {
        // An authorization policy instead of Hangfire's local-requests-only default, so it works behind a reverse proxy.
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Admin, "/hangfire", new DashboardOptions
        {
            Authorization = Array.Empty<IDashboardAuthorizationFilter>(),
            AppPath = "/",
            DashboardTitle = "InvoiceMvc jobs",
        }, app.Services.GetRequiredService<JobStorage>()); // this app's storage, not JobStorage.Current (docs/decisions/006)
        return app;
    }

    /// <summary>
    /// X-Forwarded-For/-Proto are believed only from the proxies in ReverseProxy:KnownProxies. ASP.NET Core's default
    /// also trusts any loopback peer, which let anyone on the host forge their address past the rate limits and into the audit log.
    /// Null when no proxy is configured.
    /// </summary>
    internal static ForwardedHeadersOptions? ForwardedHeadersFrom(IConfiguration configuration)
    {
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto };
        forwarded.KnownIPNetworks.Clear();
        forwarded.KnownProxies.Clear();
        foreach (var proxy in configuration.GetSection("ReverseProxy:KnownProxies").Get<string[]>() ?? [])
        {
            forwarded.KnownProxies.Add(IPAddress.TryParse(proxy, out var address)
                ? address
                : throw new OptionsValidationException("ReverseProxy", typeof(ForwardedHeadersOptions), [$"ReverseProxy:KnownProxies: '{proxy}' is not an IP address."]));
        }

        return forwarded.KnownProxies.Count > 0 ? forwarded : null;
    }

    /// <summary>The client's address as rate limits and the audit see it (after the trusted forwarded headers).</summary>
    internal static string ClientOf(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static bool IsUnlimited(HttpContext http) =>
        http.Features.Get<IStatusCodeReExecuteFeature>() is not null ||
        http.Features.Get<IExceptionHandlerPathFeature>() is not null ||
        http.Request.Path.StartsWithSegments("/health") ||
        http.Request.Path.StartsWithSegments("/metrics") ||
        http.Request.Path.StartsWithSegments("/events");

    private static RateLimitPartition<string> PerClientWindow(HttpContext http, string kind, Func<RateLimitOptions, int> permits)
    {
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        return RateLimitPartition.GetFixedWindowLimiter($"{kind}:{ClientOf(http)}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits(limits),
            Window = TimeSpan.FromSeconds(limits.WindowSeconds),
            QueueLimit = 0,
        });
    }

    private static bool HttpsConfigured(IConfiguration configuration) =>
        !string.IsNullOrWhiteSpace(configuration["HTTPS_PORTS"]) ||
        !string.IsNullOrWhiteSpace(configuration["https_port"]) ||
        (configuration["urls"]?.Contains("https://", StringComparison.OrdinalIgnoreCase) ?? false);
}
