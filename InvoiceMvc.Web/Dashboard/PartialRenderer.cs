using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.Razor;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace InvoiceMvc.Web.Dashboard;

/// <summary>
/// Renders a Razor partial to a string outside any request, so a row or a stat card rendered for the
/// SSE streams is rendered once and shared by every viewer. The partials it renders must not depend
/// on the user (no antiforgery tokens, no user names).
/// </summary>
public sealed class PartialRenderer(
    IRazorViewEngine viewEngine,
    ITempDataProvider tempDataProvider,
    IModelMetadataProvider metadataProvider,
    IServiceScopeFactory scopes)
{
    public async Task<string> RenderAsync<TModel>(string viewPath, TModel model)
    {
        await using var scope = scopes.CreateAsyncScope();
        var httpContext = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var actionContext = new ActionContext(httpContext, new Microsoft.AspNetCore.Routing.RouteData(), new ActionDescriptor());
        var found = viewEngine.GetView(executingFilePath: null, viewPath, isMainPage: false);
        if (!found.Success)
        {
            throw new InvalidOperationException($"Partial view {viewPath} not found; searched {string.Join(", ", found.SearchedLocations)}");
        }

        await using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var viewData = new ViewDataDictionary<TModel>(metadataProvider, new ModelStateDictionary()) { Model = model };
        var viewContext = new ViewContext(actionContext, found.View, viewData,
            new TempDataDictionary(httpContext, tempDataProvider), writer, new HtmlHelperOptions());
        await found.View.RenderAsync(viewContext);
        return writer.ToString().Trim();
    }
}
