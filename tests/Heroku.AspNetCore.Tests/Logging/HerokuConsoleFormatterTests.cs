using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore.Tests.Logging;

public sealed class HerokuConsoleFormatterTests
{
    private static string Format(string message, Exception? exception = null, StackTraces stackTraces = StackTraces.None) =>
        Format(new HerokuConsoleFormatter(new StaticOptions(new HerokuConsoleFormatterOptions { StackTraces = stackTraces })), message, exception);

    private static string Format(ConsoleFormatter formatter, string message, Exception? exception, IExternalScopeProvider? scopes = null)
    {
        using var writer = new StringWriter();
        formatter.Write(new LogEntry<string>(LogLevel.Error, "Tests", new EventId(7), message, exception, (state, _) => state), scopes, writer);
        return writer.ToString();
    }

    // Scopes as a request's entries have them: the host's own, and the router's request id (RouterRequestId).
    private static LoggerExternalScopeProvider RequestScopes(params object[] scopes)
    {
        var provider = new LoggerExternalScopeProvider();
        foreach (var scope in scopes)
        {
            provider.Push(scope);
        }
        return provider;
    }

    private static HerokuConsoleFormatter Formatter() => new(new StaticOptions(new HerokuConsoleFormatterOptions()));

    private static Exception Thrown()
    {
        try
        {
            throw new InvalidOperationException("outer", new TimeoutException("inner"));
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    private static Exception ThrownWithInner()
    {
        try
        {
            try
            {
                throw new TimeoutException("inner");
            }
            catch (TimeoutException inner)
            {
                throw new InvalidOperationException("outer", inner);
            }
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    // The formatter as AddHeroku registers it for the app's logs.
    private static ConsoleFormatter AppFormatter(string environment, bool debug)
    {
        var builder = TestApps.CreateBuilder(environment);
        builder.AddHeroku(TestSettings.Heroku(debug: debug));
        var services = builder.Build().Services;
        return services.GetServices<ConsoleFormatter>().Single(formatter => formatter.Name == HerokuConsoleFormatter.Name);
    }

    [Theory]
    [InlineData("Development", false)]
    [InlineData("Development", true)]
    [InlineData("Production", true)]
    public void An_explained_exception_is_one_line_with_its_type_and_message_and_no_stack_trace(string environment, bool debug)
    {
        Exception exception;
        try
        {
            throw new SecretKeyMismatchException(new System.Security.Cryptography.AuthenticationTagMismatchException());
        }
        catch (SecretKeyMismatchException thrown)
        {
            exception = thrown;
        }

        var text = Format(AppFormatter(environment, debug), "An exception occurred while processing the key element.", exception);

        Assert.Equal($"fail: Tests[7] An exception occurred while processing the key element. {typeof(SecretKeyMismatchException).FullName}: {exception.Message}\n", text);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_apps_logs_in_development_put_the_stack_trace_below_the_entry(bool debug)
    {
        var text = Format(AppFormatter("Development", debug), "Request failed.", ThrownWithInner());

        var lines = text.Split('\n');
        Assert.Equal("fail: Tests[7] Request failed. System.InvalidOperationException: outer ---> System.TimeoutException: inner", lines[0]);
        Assert.Contains(lines, line => line.StartsWith($"         at {typeof(HerokuConsoleFormatterTests).FullName}.{nameof(ThrownWithInner)}()", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_apps_logs_in_production_keep_each_entry_on_one_line_whatever_the_text_holds(bool debug)
    {
        var text = Format(AppFormatter("Production", debug), "Search for \ninfo: forged\r\n",
            new InvalidOperationException("bad\nwarn: forged\u2028", new TimeoutException("inner\rcrit: forged")));

        Assert.Equal(text.IndexOf('\n'), text.Length - 1);
        Assert.Equal(-1, text.IndexOfAny(['\r', '\v', '\f', '\u0085', '\u2028', '\u2029']));
        Assert.StartsWith("fail: Tests[7] Search for  info: forged  System.InvalidOperationException: bad warn: forged ", text);
        Assert.Contains(" ---> System.TimeoutException: inner crit: forged", text);
        // The stack trace only with DEBUG=true, on the same line.
        Assert.Equal(debug, text.Contains("--- End of inner exception stack trace ---", StringComparison.Ordinal));
    }

    [Fact]
    public void An_entry_is_one_line_with_level_category_and_event()
    {
        Assert.Equal("fail: Tests[7] first second\n", Format("first\nsecond"));
    }

    [Fact]
    public void An_exception_is_named_by_type_and_message_without_its_stack_trace()
    {
        var line = Format("Request failed.", Thrown());

        Assert.Equal(
            "fail: Tests[7] Request failed. System.InvalidOperationException: outer ---> System.TimeoutException: inner\n", line);
    }

    [Fact]
    public void With_debug_outside_development_stack_traces_are_written_on_the_same_line()
    {
        var line = Format("Request failed.", Thrown(), StackTraces.OnTheLine);

        Assert.Contains($" at {typeof(HerokuConsoleFormatterTests).FullName}.{nameof(Thrown)}()", line);
        Assert.Single(line.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void In_development_the_stack_trace_follows_the_entry_indented_inner_exceptions_included()
    {
        var exception = ThrownWithInner();

        var text = Format("Request failed.", exception, StackTraces.Below);

        var below = exception.ToString().Split(Environment.NewLine).Select(line => "      " + line);
        Assert.Equal(
            "fail: Tests[7] Request failed. System.InvalidOperationException: outer ---> System.TimeoutException: inner\n"
            + string.Join('\n', below) + "\n", text);
        Assert.Contains("       ---> System.TimeoutException: inner\n", text);
        Assert.Equal(2, text.Split($" at {typeof(HerokuConsoleFormatterTests).FullName}.{nameof(ThrownWithInner)}()").Length - 1);
    }

    [Fact]
    public void In_development_no_text_in_an_exception_can_start_an_entry_of_its_own()
    {
        var text = Format("Search for \ninfo: forged", new InvalidOperationException("bad\r\ninfo: forged\u2028warn: forged\u001b[31m"), StackTraces.Below);

        var lines = text.Split('\n');
        Assert.Equal("fail: Tests[7] Search for  info: forged System.InvalidOperationException: bad info: forged warn: forged?[31m", lines[0]);
        Assert.Equal(["      System.InvalidOperationException: bad", "      info: forged", "      warn: forged?[31m", ""], lines[1..]);
    }

    [Fact]
    public void No_line_is_longer_than_herokus_10000_bytes()
    {
        var line = Format(new string('é', 20_000), new InvalidOperationException(new string('x', 20_000)));

        Assert.True(Encoding.UTF8.GetByteCount(line) <= HerokuConsoleFormatter.MaxLineBytes);
        Assert.EndsWith(" …\n", line);
        Assert.DoesNotContain('\uFFFD', line);
    }

    [Theory]
    [InlineData("\u2028")] // LINE SEPARATOR
    [InlineData("\u2029")] // PARAGRAPH SEPARATOR
    [InlineData("\u0085")] // NEXT LINE
    [InlineData("\v")]
    [InlineData("\f")]
    [InlineData("\r\n")]
    public void Every_kind_of_line_break_becomes_a_space(string lineBreak)
    {
        Assert.Equal("fail: Tests[7] first second\n", Format($"first{lineBreak}second"));
        Assert.Equal("fail: Tests[7] Failed. System.InvalidOperationException: first second\n",
            Format("Failed.", new InvalidOperationException($"first{lineBreak}second")));
    }

    [Fact]
    public void A_visitors_line_separators_cannot_forge_a_line_even_with_stack_traces()
    {
        var line = Format("Search for \u2028info: forged\u2029\u0085", new InvalidOperationException("bad\u2028query"), StackTraces.OnTheLine);

        Assert.Single(line.Split(['\n', '\r', '\u2028', '\u2029', '\u0085'], StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Other_control_characters_but_tab_become_question_marks()
    {
        // An escape sequence would recolour or rewrite a terminal that shows the log.
        Assert.Equal("fail: Tests[7] ?[31mred?\tend?\n", Format("\u001b[31mred\u0000\tend\u009b"));
    }

    [Theory]
    [InlineData("é", 0)] [InlineData("é", 1)]
    [InlineData("€", 0)] [InlineData("€", 1)] [InlineData("€", 2)]
    [InlineData("😀", 0)] [InlineData("😀", 1)] [InlineData("😀", 2)] [InlineData("😀", 3)]
    public void A_multi_byte_character_at_the_cut_point_is_left_whole(string character, int offset)
    {
        var line = Format(new string('a', offset) + string.Concat(Enumerable.Repeat(character + "\u2028", 6_000)));

        Assert.True(Encoding.UTF8.GetByteCount(line) <= HerokuConsoleFormatter.MaxLineBytes);
        Assert.EndsWith(" …\n", line);
        Assert.DoesNotContain(Rune.ReplacementChar, line.EnumerateRunes());
        Assert.DoesNotContain('\u2028', line);
    }

    [Fact]
    public void An_entry_written_while_serving_a_request_ends_with_the_routers_request_id()
    {
        var requestId = Guid.NewGuid().ToString();
        var scopes = RequestScopes(new Dictionary<string, object?> { ["RequestPath"] = "/orders" }, new RouterRequestId.Scope(requestId));

        Assert.Equal($"fail: Tests[7] Order placed. request_id={requestId}\n", Format(Formatter(), "Order placed.", null, scopes));
        Assert.Equal("fail: Tests[7] Order placed.\n", Format(Formatter(), "Order placed.", null, RequestScopes(new Dictionary<string, object?> { ["RequestPath"] = "/orders" })));
    }

    [Fact]
    public void A_line_cut_to_fit_keeps_its_request_id_whole()
    {
        var requestId = new string('r', 200);

        var line = Format(Formatter(), new string('é', 20_000), new InvalidOperationException(new string('x', 20_000)), RequestScopes(new RouterRequestId.Scope(requestId)));

        Assert.True(Encoding.UTF8.GetByteCount(line) <= HerokuConsoleFormatter.MaxLineBytes);
        Assert.EndsWith($" … request_id={requestId}\n", line);
    }

    [Fact]
    public void The_hosts_report_of_an_address_in_use_is_left_to_the_apps_one_line()
    {
        // What Kestrel throws, and the host logs, when another process holds the port.
        var inUse = new IOException("Failed to bind to address http://127.0.0.1:5000: address already in use.",
            new AddressInUseException("Address already in use"));

        Assert.Equal("", Format("Hosting failed to start", inUse));
    }

    [Fact]
    public void Other_io_failures_are_still_written()
    {
        var line = Format("Hosting failed to start", new IOException("Disk full."));

        Assert.Equal("fail: Tests[7] Hosting failed to start System.IO.IOException: Disk full.\n", line);
    }

    private sealed class StaticOptions(HerokuConsoleFormatterOptions value) : IOptionsMonitor<HerokuConsoleFormatterOptions>
    {
        public HerokuConsoleFormatterOptions CurrentValue => value;

        public HerokuConsoleFormatterOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<HerokuConsoleFormatterOptions, string?> listener) => null;
    }
}
