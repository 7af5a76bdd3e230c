namespace HerokuWeb.Tests.Infrastructure;

/// <summary>Paths inside this repository.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string TemplateContent => Path.Combine(Root, "templates", "heroku-web");

    /// <summary>Where tests keep what a person should be able to look at afterwards (screenshots, logs).</summary>
    public static string Artifacts => Directory.CreateDirectory(Path.Combine(Root, "test-artifacts")).FullName;

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Template.Pack.csproj")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Template.Pack.csproj not found above " + AppContext.BaseDirectory);
    }
}
