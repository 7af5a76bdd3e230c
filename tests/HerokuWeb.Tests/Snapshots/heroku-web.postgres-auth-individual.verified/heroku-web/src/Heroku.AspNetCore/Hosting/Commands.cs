namespace Heroku.AspNetCore;

/// <summary>
/// A command the app runs instead of serving, such as <c>App check</c>: from the published
/// app, so it works in a dyno, which has no SDK.
/// </summary>
internal interface ICommand
{
    string Name { get; }

    Task<int> RunAsync(WebApplication app, IReadOnlyList<string> options);
}

internal static class Commands
{
    public static IServiceCollection AddCommand<TCommand>(this IServiceCollection services)
        where TCommand : class, ICommand =>
        services.AddSingleton<ICommand, TCommand>();

    public static ICommand? Find(IServiceProvider services, string name) =>
        services.GetServices<ICommand>().FirstOrDefault(command => command.Name == name);
}
