# syntax=docker/dockerfile:1
# The app image: built with the SDK, run on the ASP.NET Core runtime as a non-root user.
# Used by docker-compose.yml for both the one-shot `migrate` service and the app.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Project files first, so the restore layer is reused until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY InvoiceMvc.Domain/InvoiceMvc.Domain.csproj InvoiceMvc.Domain/
COPY InvoiceMvc.Infrastructure/InvoiceMvc.Infrastructure.csproj InvoiceMvc.Infrastructure/
COPY InvoiceMvc.Web/InvoiceMvc.Web.csproj InvoiceMvc.Web/
RUN dotnet restore InvoiceMvc.Web/InvoiceMvc.Web.csproj
COPY InvoiceMvc.Domain/ InvoiceMvc.Domain/
COPY InvoiceMvc.Infrastructure/ InvoiceMvc.Infrastructure/
COPY InvoiceMvc.Web/ InvoiceMvc.Web/
RUN dotnet publish InvoiceMvc.Web/InvoiceMvc.Web.csproj -c Release -o /app --no-restore -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080 \
    ASPNETCORE_ENVIRONMENT=Production \
    DOTNET_NOLOGO=1
EXPOSE 8080
# The image's built-in unprivileged "app" user (UID 1654); nothing here needs root.
USER $APP_UID
# The runtime image has no curl or wget: bash's /dev/tcp makes the HTTP request. Liveness only:
# a database outage must not get the container restarted (readiness is /health/ready).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/live HTTP/1.0\\r\\nHost: localhost\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
ENTRYPOINT ["dotnet", "InvoiceMvc.Web.dll"]
