using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>Accounts with ASP.NET Core Identity in the app's PostgreSQL database, for an app on Heroku.</summary>
public static class AccountsExtensions
{
    /// <summary>The role of the app's operators: <c>App admin EMAIL</c> grants it, and it opens <c>/jobs</c>.</summary>
    public const string AdminRole = "admin";

    /// <summary>The authorization policy of operator pages: <c>[Authorize(Policy = AccountsExtensions.AdminPolicy)]</c>.</summary>
    public const string AdminPolicy = "admin";

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    internal const int MaxFailedSignIns = 5;

    /// <summary>How long a locked account stays locked.</summary>
    internal static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>The characters of a user name, and so of an email that signs up: printable ASCII, no space.</summary>
    private static readonly string PrintableAscii = new([.. Enumerable.Range('!', '~' - '!' + 1).Select(code => (char)code)]);

    /// <summary>
    /// Registers ASP.NET Core Identity for <typeparamref name="TUser"/>, stored by <typeparamref name="TContext"/> (schema
    /// version 3, which keeps passkeys): sign-in only with a confirmed email, one account per email, lockout after
    /// repeated failures, the security stamp and roles checked on every request in one query (a password change signs
    /// out every other session at once), the cookie rules of a site behind Heroku's router, passkeys for the host the
    /// visitor used, the <see cref="AdminRole"/> role and <see cref="AdminPolicy"/> policy, which guards <c>/jobs</c>,
    /// the <see cref="RateLimits.SignedInForm"/> rate limit, the <c>admin EMAIL</c> command, and what <c>check</c>
    /// says about accounts. Call it after <see cref="JobsExtensions.AddHerokuJobs"/>.
    /// </summary>
    public static WebApplicationBuilder AddHerokuAccounts<TUser, TContext>(this WebApplicationBuilder builder)
        where TUser : IdentityUser
        where TContext : IdentityDbContext<TUser>
    {
        builder.Services.AddIdentity<TUser, IdentityRole>(options =>
            {
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                // Sign-in needs an address its owner has confirmed: the link in the email that registration sends.
                options.SignIn.RequireConfirmedEmail = true;
                options.User.RequireUniqueEmail = true;
                // The user name is the email: any address of printable ASCII, o'brien@example.com too. Non-ASCII ones
                // are refused, as ToUpperInvariant maps some of them onto ASCII ones (ſ onto S), and lookups compare those.
                options.User.AllowedUserNameCharacters = PrintableAscii;
                options.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider<TUser>.ProviderName;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                options.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                // Length over composition rules, as NIST SP 800-63B advises.
                options.Password.RequiredLength = 10;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
            })
            .AddEntityFrameworkStores<TContext>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<PasswordResetTokenProvider<TUser>>(PasswordResetTokenProvider<TUser>.ProviderName);

        // Passkeys keep IdentityPasskeyOptions.ServerDomain unset: the relying party is the host the visitor's browser
        // shows (Heroku's router passes Host as it came), so a passkey made on a custom domain works there, and one made
        // on herokuapp.com there, with no host name in the code. The device must verify its user (PIN, fingerprint,
        // face), for a new passkey and for a sign-in: that is what lets a passkey stand for two factors and skip TOTP.
        // Identity's default today, pinned so that a new default cannot weaken it.
        builder.Services.Configure<IdentityPasskeyOptions>(options => options.UserVerificationRequirement = "required");

        // Manage pages' posts (each may check the password): per account, as the address-keyed public-form limit
        // cannot see who is signed in. The limiter runs before sign-in, so the account is read from the cookie alone.
        var signedInPermits = builder.Environment.IsDevelopment() ? RateLimits.DevelopmentPostsPerMinute : RateLimits.SignedInPostsPerMinute;
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptionsMonitor<CookieAuthenticationOptions>>((limits, cookies) =>
            limits.AddPolicy(RateLimits.SignedInForm, context => HttpMethods.IsPost(context.Request.Method)
                ? RateLimitPartition.GetFixedWindowLimiter(SignedInPartition(context, cookies.Get(IdentityConstants.ApplicationScheme)),
                    _ => RateLimits.PerMinute(signedInPermits))
                : RateLimitPartition.GetNoLimiter("")));
        // The per-address cooldown of the mails a signed-in user sends to an address they type (a new email).
        builder.Services.AddMemoryCache();

        builder.Services.ConfigureApplicationCookie(options =>
        {
            // HttpOnly: no script reads it. Secure: the cookie policy marks every cookie so outside Development.
            // Lax, not Strict: a visitor who follows a link to the app, from an email too, arrives signed in.
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            // Every request of a signed-in user checks the security stamp, as Django checks its session hash: changing
            // the password (or an admin's reset) signs out every other session at its next request, not 30 minutes
            // later. One query, and no new cookie unless the roles changed.
            options.Events.OnValidatePrincipal = ValidateStampAndRolesAsync<TUser, TContext>;
            // A signed-in user without the right role gets 403 and the app's error page, not a page of its own.
            options.Events.OnRedirectToAccessDenied = context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
        });
        // The cookies that carry a sign-in halfway through two-factor, and the browser it remembers: HttpOnly and Strict,
        // as only the app's own forms read them.
        builder.Services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorUserIdScheme, options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        builder.Services.Configure<CookieAuthenticationOptions>(IdentityConstants.TwoFactorRememberMeScheme, options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });

        builder.Services.AddAuthorizationBuilder().AddPolicy(AdminPolicy, policy => policy.RequireRole(AdminRole));
        // Operator pages of the platform (the jobs dashboard) take the admin policy in place of their own passwords.
        builder.Services.Configure<HerokuPipelineOptions>(pipeline => pipeline.OperatorPolicy = AdminPolicy);

        builder.Services.AddCommand<AdminCommand<TUser>>();
        builder.Services.AddSingleton<IDeployCheck, AccountsCheck<TUser>>();
        return builder;
    }

    /// <summary>
    /// Replaces Identity's SecurityStampValidator, which at every request rebuilds the principal (user, roles, claims:
    /// three to five queries) and re-issues the cookie. This reads the stored stamp and role names in one query,
    /// signs the session out when the stamp differs, and rebuilds the principal only when the roles do (<c>admin EMAIL</c>
    /// counts from the next page).
    /// </summary>
    private static async Task ValidateStampAndRolesAsync<TUser, TContext>(CookieValidatePrincipalContext context)
        where TUser : IdentityUser
        where TContext : IdentityDbContext<TUser>
    {
        var services = context.HttpContext.RequestServices;
        var claims = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        if (context.Principal is not { } principal || principal.FindFirstValue(claims.UserIdClaimType) is not { } id)
        {
            context.RejectPrincipal();
            return;
        }
        var stored = await StampAndRoles<TUser, TContext>.Query(services.GetRequiredService<TContext>(), id, context.HttpContext.RequestAborted);
        if (stored is null || stored.SecurityStamp is null || stored.SecurityStamp != principal.FindFirstValue(claims.SecurityStampClaimType))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }
        var roles = principal.FindAll(claims.RoleClaimType).Select(claim => claim.Value).Order(StringComparer.Ordinal);
        if (roles.SequenceEqual(stored.Roles.OfType<string>().Order(StringComparer.Ordinal)))
        {
            return;
        }
        var signIn = services.GetRequiredService<SignInManager<TUser>>();
        if (await signIn.UserManager.FindByIdAsync(id) is not { } current)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }
        var renewed = await signIn.CreateUserPrincipalAsync(current);
        // How the session signed in (password, passkey, two factors) stays as it was.
        if (renewed.Identity is ClaimsIdentity identity)
        {
            identity.AddClaims(principal.Claims.Where(claim => claim.Type is "amr" or ClaimTypes.AuthenticationMethod));
        }
        context.ReplacePrincipal(renewed);
        context.ShouldRenew = true;
    }

    /// <summary>The account the sign-in cookie names, or, without one, the client address's partition.</summary>
    private static string SignedInPartition(HttpContext context, CookieAuthenticationOptions cookie)
    {
        var value = cookie.CookieManager.GetRequestCookie(context, cookie.Cookie.Name!);
        var ticket = value is null ? null : cookie.TicketDataFormat.Unprotect(value);
        return ticket?.Principal.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId
            ? $"user:{userId}"
            : RateLimits.Partition(context.Connection.RemoteIpAddress);
    }
}

/// <summary>
/// An account's security stamp and role names, one query compiled once: every signed-in request runs it, and a query
/// that is not compiled is rebuilt and looked up in EF Core's cache each time (measured in BENCHMARKS.md, "Accounts").
/// </summary>
internal static class StampAndRoles<TUser, TContext>
    where TUser : IdentityUser
    where TContext : IdentityDbContext<TUser>
{
    public static readonly Func<TContext, string, CancellationToken, Task<Stored?>> Query = EF.CompileAsyncQuery(
        (TContext database, string id, CancellationToken cancellationToken) => database.Users.AsNoTracking()
            .Where(user => user.Id == id)
            .Select(user => new Stored(user.SecurityStamp, database.UserRoles.Where(link => link.UserId == user.Id)
                .Join(database.Roles, link => link.RoleId, role => role.Id, (_, role) => role.Name)
                .ToList()))
            .SingleOrDefault());

    public sealed record Stored(string? SecurityStamp, List<string?> Roles);
}
