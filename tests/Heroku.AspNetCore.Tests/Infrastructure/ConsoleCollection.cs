namespace Heroku.AspNetCore.Tests;

/// <summary>Tests that swap Console.Out or Console.Error, which are the whole process's: run alone, after the others.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>What a command writes to stderr while <see cref="RunAsync{T}"/> runs it.</summary>
internal static class CapturedConsole
{
    /// <summary>Runs <paramref name="run"/> with stdout and stderr captured.</summary>
    public static async Task<(T Result, string Output, string Error)> RunWithOutputAsync<T>(Func<Task<T>> run)
    {
        var original = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            var (result, error) = await RunAsync(run);
            return (result, output.ToString(), error);
        }
        finally
        {
            Console.SetOut(original);
        }
    }

    public static async Task<(T Result, string Error)> RunAsync<T>(Func<Task<T>> run)
    {
        var original = Console.Error;
        using var error = new StringWriter();
        Console.SetError(error);
        try
        {
            var result = await run();
            return (result, error.ToString());
        }
        finally
        {
            Console.SetError(original);
        }
    }
}
