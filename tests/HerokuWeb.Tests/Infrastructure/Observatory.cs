using System.Globalization;

namespace HerokuWeb.Tests.Infrastructure;

/// <summary>
/// The header rules of Mozilla's HTTP Observatory, ported from mozilla/http-observatory
/// (httpobs/scanner/analyzer/headers.py) with the modifiers of httpobs/docs/scoring.md: every site starts at
/// 100, bonuses count only when the score without them is 90 or more, and 100 or more is the top grade, A+.
/// Only what response headers decide is ported (one policy per response; no http-equiv, no HSTS preload list);
/// redirection and subresource integrity score 0 for an app that redirects to HTTPS on its own host and
/// loads only its own scripts.
/// </summary>
public static class Observatory
{
    public const int TopGrade = 100;

    private static readonly string[] DangerouslyBroad = ["ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"];
    private static readonly string[] UnsafeInline = ["'unsafe-inline'", "data:"];
    private static readonly string[] NoncesHashes = ["'sha256-", "'sha384-", "'sha512-", "'nonce-"];

    private static readonly Dictionary<string, int> Modifiers = new()
    {
        ["csp-implemented-with-no-unsafe-default-src-none"] = 10,
        ["csp-implemented-with-no-unsafe"] = 5,
        ["csp-implemented-with-unsafe-inline-in-style-src-only"] = 0,
        ["csp-implemented-with-insecure-scheme-in-passive-content-only"] = -10,
        ["csp-implemented-with-unsafe-eval"] = -10,
        ["csp-implemented-with-insecure-scheme"] = -20,
        ["csp-implemented-with-unsafe-inline"] = -20,
        ["csp-not-implemented"] = -25,
        ["csp-header-invalid"] = -25,
        ["cookies-secure-with-httponly-sessions-and-samesite"] = 5,
        ["cookies-not-found"] = 0,
        ["cookies-secure-with-httponly-sessions"] = 0,
        ["cookies-without-secure-flag-but-protected-by-hsts"] = -5,
        ["cookies-session-without-secure-flag-but-protected-by-hsts"] = -10,
        ["cookies-without-secure-flag"] = -20,
        ["cookies-samesite-flag-invalid"] = -20,
        ["cookies-anticsrf-without-samesite-flag"] = -20,
        ["cookies-session-without-httponly-flag"] = -30,
        ["cookies-session-without-secure-flag"] = -40,
        ["hsts-implemented-max-age-at-least-six-months"] = 0,
        ["hsts-implemented-max-age-less-than-six-months"] = -10,
        ["hsts-not-implemented"] = -20,
        ["hsts-header-invalid"] = -20,
        ["referrer-policy-private"] = 5,
        ["referrer-policy-no-referrer-when-downgrade"] = 0,
        ["referrer-policy-not-implemented"] = 0,
        ["referrer-policy-unsafe"] = -5,
        ["referrer-policy-header-invalid"] = -5,
        ["x-content-type-options-nosniff"] = 0,
        ["x-content-type-options-not-implemented"] = -5,
        ["x-content-type-options-header-invalid"] = -5,
        ["x-frame-options-implemented-via-csp"] = 5,
        ["x-frame-options-allow-from-origin"] = 0,
        ["x-frame-options-sameorigin-or-deny"] = 0,
        ["x-frame-options-not-implemented"] = -20,
        ["x-frame-options-header-invalid"] = -20,
    };

    /// <summary>Each test's result and the score, for a response's headers (name → values, any case).</summary>
    public static (int Score, IReadOnlyList<string> Results) Grade(ILookup<string, string> headers)
    {
        string? Header(string name) => headers[name].FirstOrDefault() is { } value ? value : null;
        var csp = headers["Content-Security-Policy"].ToList();
        var hsts = StrictTransportSecurity(Header("Strict-Transport-Security"));
        string[] results =
        [
            ContentSecurityPolicy(csp),
            Cookies(headers["Set-Cookie"], hstsPasses: hsts == "hsts-implemented-max-age-at-least-six-months"),
            hsts,
            ReferrerPolicy(Header("Referrer-Policy")),
            ContentTypeOptions(Header("X-Content-Type-Options")),
            FrameOptions(Header("X-Frame-Options"), csp),
        ];
        var penalties = 100 + results.Select(result => Modifiers[result]).Where(modifier => modifier < 0).Sum();
        var bonuses = results.Select(result => Modifiers[result]).Where(modifier => modifier > 0).Sum();
        return (Math.Max(0, penalties >= 90 ? penalties + bonuses : penalties), results);
    }

    public static string ContentSecurityPolicy(IReadOnlyList<string> headers)
    {
        if (headers.Count == 0)
        {
            return "csp-not-implemented";
        }
        Dictionary<string, HashSet<string>> csp;
        try
        {
            csp = ParseCsp(headers[0]);
        }
        catch (FormatException)
        {
            return "csp-header-invalid";
        }
        if (csp.Count == 0)
        {
            return "csp-not-implemented";
        }

        HashSet<string> Sources(string directive) => csp.TryGetValue(directive, out var sources) && sources.Count > 0 ? [.. sources] : [];
        var objectSrc = First(Sources("object-src"), Sources("default-src"), ["*"]);
        var scriptSrc = First(Sources("script-src"), Sources("default-src"), ["*"]);
        var styleSrc = First(Sources("style-src"), Sources("default-src"), ["*"]);

        foreach (var list in new[] { scriptSrc, styleSrc })
        {
            if (list.Any(source => NoncesHashes.Any(source.StartsWith)))
            {
                list.Remove("'unsafe-inline'");
            }
        }
        string? result = null;
        var strictDynamic = false;
        if (scriptSrc.Any(source => NoncesHashes.Any(source.StartsWith)) && scriptSrc.Contains("'strict-dynamic'"))
        {
            scriptSrc.RemoveWhere(source => DangerouslyBroad.Any(source.StartsWith) || source is "'self'" or "'unsafe-inline'");
            strictDynamic = true;
        }
        else if (scriptSrc.Contains("'strict-dynamic'"))
        {
            result = "csp-header-invalid";
        }

        string[] passiveDirectives = ["img-src", "media-src"];
        var active = csp.Where(entry => !passiveDirectives.Contains(entry.Key) && entry.Key != "script-src")
            .SelectMany(entry => entry.Value).Concat(scriptSrc).ToList();
        var passive = passiveDirectives.SelectMany(directive => csp.GetValueOrDefault(directive) ?? csp.GetValueOrDefault("default-src") ?? []).ToList();

        if (scriptSrc.Overlaps([.. DangerouslyBroad, .. UnsafeInline]) || objectSrc.Overlaps(DangerouslyBroad))
        {
            result ??= "csp-implemented-with-unsafe-inline";
        }
        // The site is scanned over HTTPS.
        if (active.Any(source => source.Contains("http:") || source.Contains("ftp:")) && !strictDynamic)
        {
            result ??= "csp-implemented-with-insecure-scheme";
        }
        if (scriptSrc.Contains("'unsafe-eval'") || styleSrc.Contains("'unsafe-eval'"))
        {
            result ??= "csp-implemented-with-unsafe-eval";
        }
        if (passive.Any(source => source.Contains("http:") || source.Contains("ftp:")))
        {
            result ??= "csp-implemented-with-insecure-scheme-in-passive-content-only";
        }
        if (styleSrc.Overlaps([.. DangerouslyBroad, .. UnsafeInline]))
        {
            result ??= "csp-implemented-with-unsafe-inline-in-style-src-only";
        }
        var defaultNone = csp.TryGetValue("default-src", out var defaults) && defaults.SetEquals(["'none'"]);
        return result ?? (defaultNone ? "csp-implemented-with-no-unsafe-default-src-none" : "csp-implemented-with-no-unsafe");
    }

    /// <summary>Directives and their sources; a source list left empty means 'none'. Repeated directives are invalid.</summary>
    public static Dictionary<string, HashSet<string>> ParseCsp(string header)
    {
        var policy = header.Replace("\r", "").Replace("\n", "").Trim();
        if (policy.Length < "img-src".Length - 1)
        {
            throw new FormatException("CSP policy does not meet minimum length requirements");
        }
        var csp = new Dictionary<string, HashSet<string>>();
        foreach (var part in policy.Split(';'))
        {
            var entry = part.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (entry.Length == 0)
            {
                continue;
            }
            var directive = entry[0].ToLowerInvariant();
            var sources = entry.Length > 1
                ? entry[1].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(source => source.ToLowerInvariant()).ToHashSet()
                : directive.EndsWith("-src", StringComparison.Ordinal) ? ["'none'"] : new HashSet<string>();
            if (!csp.TryAdd(directive, sources))
            {
                throw new FormatException("Repeated policy directives are invalid");
            }
        }
        return csp;
    }

    public static string Cookies(IEnumerable<string> setCookies, bool hstsPasses)
    {
        string[] goodness =
        [
            "cookies-without-secure-flag-but-protected-by-hsts", "cookies-without-secure-flag",
            "cookies-session-without-secure-flag-but-protected-by-hsts", "cookies-samesite-flag-invalid",
            "cookies-anticsrf-without-samesite-flag", "cookies-session-without-httponly-flag", "cookies-session-without-secure-flag",
        ];
        string? result = null;
        void Worse(string candidate) => result = result is null || Array.IndexOf(goodness, candidate) > Array.IndexOf(goodness, result) ? candidate : result;

        var cookies = setCookies.ToList();
        if (cookies.Count == 0)
        {
            return "cookies-not-found";
        }
        var allSameSite = true;
        foreach (var cookie in cookies)
        {
            var parts = cookie.Split(';').Select(part => part.Trim()).ToList();
            var name = parts[0].Split('=')[0].ToLowerInvariant();
            var attributes = parts.Skip(1).Select(part => part.Split('=', 2)).ToList();
            var secure = attributes.Any(attribute => attribute[0].Equals("secure", StringComparison.OrdinalIgnoreCase));
            var httpOnly = attributes.Any(attribute => attribute[0].Equals("httponly", StringComparison.OrdinalIgnoreCase));
            var sameSite = attributes.FirstOrDefault(attribute => attribute[0].Equals("samesite", StringComparison.OrdinalIgnoreCase)) is { } attribute
                ? (attribute.Length > 1 ? attribute[1].Trim().ToLowerInvariant() : "")
                : null;
            if (sameSite is not (null or "lax" or "strict" or "none"))
            {
                Worse("cookies-samesite-flag-invalid");
            }
            allSameSite &= sameSite is "lax" or "strict" or "none";
            var session = name.Contains("login") || name.Contains("sess");
            var antiCsrf = name.Contains("csrf");
            if (!secure && sameSite == "none")
            {
                Worse("cookies-samesite-flag-invalid");
            }
            if (!secure)
            {
                Worse(hstsPasses ? "cookies-without-secure-flag-but-protected-by-hsts" : "cookies-without-secure-flag");
            }
            if (antiCsrf && sameSite is null)
            {
                Worse("cookies-anticsrf-without-samesite-flag");
            }
            if (session && !secure)
            {
                Worse(hstsPasses ? "cookies-session-without-secure-flag-but-protected-by-hsts" : "cookies-session-without-secure-flag");
            }
            if (session && !httpOnly)
            {
                Worse("cookies-session-without-httponly-flag");
            }
        }
        return result ?? (allSameSite ? "cookies-secure-with-httponly-sessions-and-samesite" : "cookies-secure-with-httponly-sessions");
    }

    public static string StrictTransportSecurity(string? header)
    {
        if (header is null)
        {
            return "hsts-not-implemented";
        }
        var maxAge = header.Split(';').Select(part => part.Trim())
            .Where(part => part.StartsWith("max-age=", StringComparison.OrdinalIgnoreCase))
            .Select(part => int.TryParse(part["max-age=".Length..].Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : (int?)null)
            .FirstOrDefault();
        return maxAge switch
        {
            null => "hsts-header-invalid",
            >= 15768000 => "hsts-implemented-max-age-at-least-six-months",
            _ => "hsts-implemented-max-age-less-than-six-months",
        };
    }

    public static string ReferrerPolicy(string? header)
    {
        if (header is null)
        {
            return "referrer-policy-not-implemented";
        }
        string[] goodness = ["no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"];
        string[] badness = ["origin", "origin-when-cross-origin", "unsafe-url"];
        var values = header.Split(',').Select(value => value.Trim().ToLowerInvariant()).ToList();
        // Browsers apply the last value they understand.
        var valid = values.Where(value => goodness.Contains(value) || badness.Contains(value) || value == "no-referrer-when-downgrade").ToList();
        if (valid.Count == 0)
        {
            return "referrer-policy-header-invalid";
        }
        return valid[^1] switch
        {
            var last when goodness.Contains(last) => "referrer-policy-private",
            "no-referrer-when-downgrade" => "referrer-policy-no-referrer-when-downgrade",
            _ => "referrer-policy-unsafe",
        };
    }

    public static string ContentTypeOptions(string? header) => header switch
    {
        null => "x-content-type-options-not-implemented",
        _ when header.Trim().Equals("nosniff", StringComparison.OrdinalIgnoreCase) => "x-content-type-options-nosniff",
        _ => "x-content-type-options-header-invalid",
    };

    public static string FrameOptions(string? header, IReadOnlyList<string> csp)
    {
        var xfo = header?.Trim().ToLowerInvariant();
        var result = xfo switch
        {
            null => "x-frame-options-not-implemented",
            "deny" or "sameorigin" => "x-frame-options-sameorigin-or-deny",
            _ when xfo.StartsWith("allow-from ", StringComparison.Ordinal) => "x-frame-options-allow-from-origin",
            _ => "x-frame-options-header-invalid",
        };
        try
        {
            if (csp.Count > 0 && ParseCsp(csp[0]).ContainsKey("frame-ancestors"))
            {
                result = "x-frame-options-implemented-via-csp";
            }
        }
        catch (FormatException)
        {
            // An invalid policy implements nothing.
        }
        return result;
    }

    private static HashSet<string> First(params HashSet<string>[] candidates) => candidates.First(candidate => candidate.Count > 0);
}
