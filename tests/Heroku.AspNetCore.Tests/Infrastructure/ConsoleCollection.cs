namespace Heroku.AspNetCore.Tests;

/// <summary>Tests that swap Console.Out or Console.Error, which are the whole process's: run alone, after the others.</summary>
[CollectionDefinition(nameof(ConsoleCollection), DisableParallelization = true)]
public sealed class ConsoleCollection;

/// <summary>What a command writes to stderr while <see cref="RunAsync{T}"/> runs it.</summary>
internal static class CapturedConsole
{
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
