using System.Globalization;
using InvoiceMvc.StreamBench;

// bare --port P                       : the reference writer (pre-rendered ~150-byte frames at 2/s per connection)
// floor --port P                      : plain sockets, one thread sending each stats frame to every connection (the machine's floor)
// storm --url U --viewers N --seconds S --out F : N viewers that reconnect as browsers do, for S seconds; how they came back to F (JSON)
// load --url U --viewers N --seconds S --warmup W --out F [--pg CS] [--pid P] : N raw SSE viewers; their figures to F (JSON)
return args.FirstOrDefault() switch
{
    "bare" => await BareWriter.RunAsync(int.Parse(Option(args, "--port", "5601"), CultureInfo.InvariantCulture)),
    "floor" => FloorWriter.Run(int.Parse(Option(args, "--port", "5602"), CultureInfo.InvariantCulture)),
    "load" => await LoadClient.RunAsync(new Uri(Option(args, "--url", "http://127.0.0.1:5600/events?after=0")),
        int.Parse(Option(args, "--viewers", "1000"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(Option(args, "--warmup", "10"), CultureInfo.InvariantCulture)),
        TimeSpan.FromSeconds(double.Parse(Option(args, "--seconds", "60"), CultureInfo.InvariantCulture)),
        Option(args, "--out", "stream-bench.json"),
        args.Contains("--pg") ? Option(args, "--pg", "") : null,
        args.Contains("--pid") ? int.Parse(Option(args, "--pid", "0"), CultureInfo.InvariantCulture) : null),
    "storm" => await StormClient.RunAsync(new Uri(Option(args, "--url", "http://127.0.0.1:5600/events?after=0")),
        int.Parse(Option(args, "--viewers", "1000"), CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(Option(args, "--seconds", "120"), CultureInfo.InvariantCulture)),
        Option(args, "--out", "storm.json")),
    _ => Usage(),
};

static string Option(string[] args, string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static int Usage()
{
    Console.Error.WriteLine("usage: bare --port P | floor --port P | load --url U --viewers N --warmup W --seconds S --out F | storm --url U --viewers N --seconds S --out F");
    return 2;
}
