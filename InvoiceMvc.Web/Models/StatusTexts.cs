namespace InvoiceMvc.Web.Models;

/// <summary>What the status page (and its problem details) says for each status code.</summary>
public static class StatusTexts
{
    public static string Title(int code) => code switch
    {
        400 => "Bad request",
        401 => "Sign-in required",
        403 => "Access denied",
        404 => "Page not found",
        408 => "Request timed out",
        413 => "Request too large",
        429 => "Too many requests",
        503 => "The database is unreachable — retrying",
        _ => $"Error {code}",
    };

    public static string Text(int code) => code switch
    {
        400 => "The request could not be read: the form or its body is malformed, incomplete or missing its antiforgery token. Reload the page and try again.",
        401 => "Sign in to do this.",
        403 => "Your account is not allowed to open this page. Ask an admin if you need it.",
        404 => "There is nothing at this address. It may have moved, or the link may be mistyped.",
        408 => "The request body arrived too slowly and was cut off. Try again.",
        413 => "The request body is larger than this server accepts.",
        429 => "Too many requests from your address. Wait a moment and try again.",
        503 => "The server cannot reach its database just now, or the database takes no more connections. It recovers by itself: try again in a few seconds.",
        _ => "The request could not be completed.",
    };
}
