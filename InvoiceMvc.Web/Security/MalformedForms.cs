using Microsoft.AspNetCore.Diagnostics;

namespace InvoiceMvc.Web.Security;

/// <summary>
/// Reads a posted form before anything else does, so a body that cannot be read is answered with its own status
/// (400 malformed, 408 too slow, 413 too large) instead of surfacing as a 500 from whichever component read it first.
/// The status-code page then explains it (problem details for JSON clients). The form is kept for the rest of the pipeline.
/// </summary>
public static class MalformedForms
{
    /// <summary>Call after UseStatusCodePagesWithReExecute, so the bodiless answer gets its page.</summary>
    public static WebApplication UseMalformedFormsAs400(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.HasFormContentType && context.Features.Get<IStatusCodeReExecuteFeature>() is null)
            {
                int? refused = null;
                try
                {
                    await context.Request.ReadFormAsync(context.RequestAborted);
                }
                catch (BadHttpRequestException ex)
                {
                    // Kestrel's limits: a body too slow (408) or too large (413).
                    refused = ex.StatusCode;
                }
                catch (InvalidDataException)
                {
                    // A form the parser refuses (bad boundary, too many parts, a part too long).
                    refused = StatusCodes.Status400BadRequest;
                }
                catch (IOException) when (!context.RequestAborted.IsCancellationRequested)
                {
                    // A multipart body that ends before its declared boundary.
                    refused = StatusCodes.Status400BadRequest;
                }

                if (refused is { } status)
                {
                    context.Response.StatusCode = status;
                    return;
                }
            }

            await next(context);
        });
        return app;
    }
}
