using System.Text.Json;
using Npgsql;

namespace InvoiceMvc.Infrastructure.Events;

/// <summary>
/// The wake-up's wire format: every committed change announces the whole <see cref="LiveState"/>
/// on one PostgreSQL channel (NOTIFY is delivered only on commit, in commit order).
/// </summary>
public static class LiveStateChannel
{
    public const string Channel = "invoicemvc_events";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Announces <paramref name="state"/> to every listener once the transaction commits.</summary>
    internal static async Task NotifyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, LiveState state, CancellationToken cancellationToken)
    {
        await using var cmd = NotifyCommand(connection, transaction, state);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary><see cref="NotifyAsync"/> with blocking I/O, for the generation thread's tick.</summary>
    internal static void Notify(NpgsqlConnection connection, NpgsqlTransaction transaction, LiveState state)
    {
        using var cmd = NotifyCommand(connection, transaction, state);
        cmd.ExecuteNonQuery();
    }

    private static NpgsqlCommand NotifyCommand(NpgsqlConnection connection, NpgsqlTransaction transaction, LiveState state)
    {
        var cmd = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
        cmd.Parameters.AddWithValue("channel", Channel);
        cmd.Parameters.AddWithValue("payload", JsonSerializer.Serialize(state, Json));
        return cmd;
    }

    internal static LiveState? Parse(string payload) => JsonSerializer.Deserialize<LiveState>(payload, Json);
}
