using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace InvoiceMvc.Tests.Web.Operations;

/// <summary>
/// No Docker engine exists where these tests run, so the compose file and Dockerfile are checked as
/// text: the structure `docker compose up` relies on, and no secret committed.
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void Compose_HasPostgresRedisMigrateAndApp_WithHealthchecksAndOrderedStartup()
    {
        var services = Services();

        Assert.StartsWith("postgres:15", Scalar(services, "postgres", "image"), StringComparison.Ordinal);
        Assert.StartsWith("redis:7", Scalar(services, "redis", "image"), StringComparison.Ordinal);
        foreach (var name in new[] { "postgres", "redis", "app" })
        {
            Assert.NotEmpty(((YamlSequenceNode)Map(Map(services, name), "healthcheck")["test"]).Children);
        }

        var migrate = Map(services, "migrate");
        var migrateCommand = string.Join(' ', ((YamlSequenceNode)migrate["entrypoint"]).Children.Select(c => c.ToString()));
        Assert.Equal("dotnet InvoiceMvc.Web.dll --migrate", migrateCommand);
        Assert.Equal(".", Scalar(services, "migrate", "build"));
        Assert.Equal(Scalar(services, "migrate", "image"), Scalar(services, "app", "image"));
        Assert.Equal("service_healthy", DependsOn(services, "migrate", "postgres"));
        Assert.Equal("service_healthy", DependsOn(services, "app", "postgres"));
        Assert.Equal("service_healthy", DependsOn(services, "app", "redis"));
        Assert.Equal("service_completed_successfully", DependsOn(services, "app", "migrate"));
        Assert.Contains("/health/ready", string.Join(' ', ((YamlSequenceNode)Map(Map(services, "app"), "healthcheck")["test"]).Children), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_ScalesTheApp_BehindABalancerThatPassesStreamsUnbuffered_AndIsTheOnlyPublishedPort()
    {
        var services = Services();

        Assert.Equal("${APP_INSTANCES:-3}", Scalar(Map(Map(services, "app"), "deploy"), "replicas"));
        Assert.False(Map(services, "app").Children.ContainsKey(new YamlScalarNode("ports")), "only the balancer publishes a port");
        Assert.StartsWith("nginx:", Scalar(services, "balancer", "image"), StringComparison.Ordinal);
        Assert.Equal("service_healthy", DependsOn(services, "balancer", "app"));
        Assert.Equal("${APP_PORT:-8080}:8080", ((YamlSequenceNode)Map(services, "balancer")["ports"]).Children.Single().ToString());

        // The balancer's fixed address is the one proxy whose X-Forwarded-For the app believes.
        var address = Scalar(Map(Map(Map(services, "balancer"), "networks"), "invoicemvc"), "ipv4_address");
        Assert.Equal(address, Scalar(Map(Map(services, "app"), "environment"), "ReverseProxy__KnownProxies__0"));

        // Both balancer configurations (compose's, and run.sh's with INSTANCES > 1) stream unbuffered to the fewest-loaded instance
        // and retry only what may be repeated elsewhere.
        foreach (var file in new[] { "deploy/nginx.compose.conf", "deploy/nginx.conf" })
        {
            var conf = File.ReadAllText(Path.Combine(Root, file));
            foreach (var directive in new[] { "least_conn;", "proxy_buffering off;", "proxy_http_version 1.1;", "proxy_read_timeout 1h;", "X-Forwarded-For $remote_addr;",
                         "proxy_next_upstream error timeout http_502 http_503;" })
            {
                Assert.Contains(directive, conf, StringComparison.Ordinal);
            }

            Assert.DoesNotContain("non_idempotent", conf, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Compose_ConfiguresTheAppFromTheEnvironment_WithPasswordsOnlyFromDotEnv()
    {
        var services = Services();
        foreach (var name in new[] { "migrate", "app" })
        {
            var env = Map(Map(services, name), "environment");
            Assert.Contains("Password=${POSTGRES_PASSWORD}", env["ConnectionStrings__Postgres"].ToString(), StringComparison.Ordinal);
            Assert.Contains("password=${REDIS_PASSWORD}", env["ConnectionStrings__Redis"].ToString(), StringComparison.Ordinal);
        }

        Assert.StartsWith("${POSTGRES_PASSWORD", Scalar(Map(services, "postgres"), "environment", "POSTGRES_PASSWORD"), StringComparison.Ordinal);
        // Production refuses to start without the scraper's token: compose requires it from .env too.
        Assert.StartsWith("${METRICS_BEARER_TOKEN:?", Scalar(Map(services, "app"), "environment", "Metrics__BearerToken"), StringComparison.Ordinal);

        // Every variable compose needs without a default is documented in the committed example.
        var compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var example = File.ReadAllText(Path.Combine(Root, ".env.example"));
        var required = VariableReference().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("POSTGRES_PASSWORD", required);
        Assert.Contains("REDIS_PASSWORD", required);
        Assert.All(required, v => Assert.Matches($"(?m)^{v}=", example));

        // The real .env stays out of git and out of the image.
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".gitignore")));
        Assert.Contains(".env", File.ReadAllLines(Path.Combine(Root, ".dockerignore")));
    }

    [Fact]
    public void Dockerfile_BuildsWithTheSdk_RunsOnAspNetAsNonRoot_WithALivenessHealthcheck()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "Dockerfile"))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var froms = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, froms.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", froms[0], StringComparison.Ordinal);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/aspnet:10.0", froms[1], StringComparison.Ordinal);

        var runtime = lines.SkipWhile(l => l != froms[1]).ToList();
        var userIndex = runtime.FindLastIndex(l => l.StartsWith("USER ", StringComparison.Ordinal));
        Assert.True(userIndex > 0, "the runtime stage sets a USER");
        Assert.DoesNotContain(runtime[userIndex][5..].Trim(), new[] { "root", "0", "0:0" });
        Assert.Contains(runtime, l => l.StartsWith("HEALTHCHECK ", StringComparison.Ordinal));
        Assert.Contains("/health/live", string.Join('\n', runtime), StringComparison.Ordinal);
        Assert.Equal("ENTRYPOINT [\"dotnet\", \"InvoiceMvc.Web.dll\"]", runtime[^1]);

        // Every path the build copies exists, so a renamed project breaks this test instead of the image build.
        foreach (var copy in lines.Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal)))
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            foreach (var source in parts[1..^1])
            {
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"{copy}: {source} exists");
            }
        }
    }

    private static YamlMappingNode Services()
    {
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        var yaml = new YamlStream();
        yaml.Load(reader);
        return Map((YamlMappingNode)yaml.Documents[0].RootNode, "services");
    }

    private static YamlMappingNode Map(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? (YamlMappingNode)child : throw new Xunit.Sdk.XunitException($"missing {key}");

    private static string Scalar(YamlMappingNode services, string service, string key) => Scalar(Map(services, service), key);

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node[key]).Value!;

    private static string DependsOn(YamlMappingNode services, string service, string dependency) =>
        Scalar(Map(Map(Map(services, service), "depends_on"), dependency), "condition");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InvoiceMvc.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("InvoiceMvc.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>${NAME} or ${NAME:?message}: variables without a default value.</summary>
    [GeneratedRegex(@"\$\{([A-Z_]+)(?::\?[^}]*)?\}")]
    private static partial Regex VariableReference();
}
