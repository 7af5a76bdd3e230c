using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Heroku.AspNetCore;

/// <summary>
/// Password reset links last <see cref="PasswordResetTokenProviderOptions.Lifespan"/>, not the day that confirmation
/// links last: whoever reads a reset link (a forwarded email, a log) can take the account with it.
/// </summary>
internal sealed class PasswordResetTokenProvider<TUser>(IDataProtectionProvider protection, IOptions<PasswordResetTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<TUser>> logger) : DataProtectorTokenProvider<TUser>(protection, options, logger)
    where TUser : class
{
    public const string ProviderName = "PasswordReset";
}

internal sealed class PasswordResetTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public static readonly TimeSpan Lifespan = TimeSpan.FromHours(2);

    public PasswordResetTokenProviderOptions()
    {
        Name = "PasswordResetTokenProvider";
        TokenLifespan = Lifespan;
    }
}
