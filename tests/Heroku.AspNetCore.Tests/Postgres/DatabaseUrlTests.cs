using System.Globalization;
using Npgsql;

namespace Heroku.AspNetCore.Tests.Postgres;

/// <summary>DATABASE_URL read as libpq and dj-database-url read it; the cases come from their suites.</summary>
public sealed class DatabaseUrlTests
{
    private const string Heroku = "postgres://uf07k1i6d8ia0v:wegauwhgeuioweg@ec2-107-21-253-135.compute-1.amazonaws.com:5431/d8r82722r2kuvn";

    // Sources: libpq = postgres src/interfaces/libpq/test/regress.in with expected.out;
    // dj = jazzband/dj-database-url tests/test_dj_database_url.py (test name given).
    // Expected: the connection string Npgsql gets, as Host;Port;Database;Username;Password.
    [Theory]
    [InlineData("postgresql://uri-user:secret@host:12345/db", "host;12345;db;uri-user;secret")] // libpq
    [InlineData("postgresql://uri-user@host/db", "host;5432;db;uri-user;")] // libpq
    [InlineData("postgresql://host:12345/", "host;12345;;;")] // libpq
    [InlineData("postgresql://host", "host;5432;;;")] // libpq
    [InlineData("postgresql://%68ost/", "host;5432;;;")] // libpq
    [InlineData("postgresql://host/db?user=uri-user&port=12345", "host;12345;db;uri-user;")] // libpq
    [InlineData("postgresql://host/db?u%73er=someotheruser&port=12345", "host;12345;db;someotheruser;")] // libpq
    [InlineData("postgresql://host?", "host;5432;;;")] // libpq
    [InlineData("postgresql://[::1]:12345/db", "::1;12345;db;;")] // libpq
    [InlineData("postgresql://[2001:db8::1234]/", "2001:db8::1234;5432;;;")] // libpq
    [InlineData("postgres://@host", "host;5432;;;")] // libpq
    [InlineData("postgres://host:/", "host;5432;;;")] // libpq
    [InlineData("postgres://?host=/path/to/socket/dir", "/path/to/socket/dir;5432;;;")] // libpq
    [InlineData("postgres://otheruser@:12345/db?host=/path/to/socket", "/path/to/socket;12345;db;otheruser;")] // libpq
    [InlineData("postgres://%2Fvar%2Flib%2Fpostgresql/dbname", "/var/lib/postgresql;5432;dbname;;")] // libpq
    [InlineData(Heroku, "ec2-107-21-253-135.compute-1.amazonaws.com;5431;d8r82722r2kuvn;uf07k1i6d8ia0v;wegauwhgeuioweg")] // dj test_postgres_parsing
    [InlineData("postgres://%2FUsers%2Fpostgres%2FRuN/d8r82722r2kuvn", "/Users/postgres/RuN;5432;d8r82722r2kuvn;;")] // dj test_postgres_unix_socket_parsing
    [InlineData("postgres://uf07k1i6d8ia0v:wegauwhgeuioweg@%2Fcloudsql%2Fproject_id%3Aregion%3Ainstance_id/d8r82722r2kuvn", "/cloudsql/project_id:region:instance_id;5432;d8r82722r2kuvn;uf07k1i6d8ia0v;wegauwhgeuioweg")] // dj test_postgres_google_cloud_parsing
    [InlineData("postgres://ieRaekei9wilaim7:wegauwhgeuioweg@[2001:db8:1234::1234:5678:90af]:5431/d8r82722r2kuvn", "2001:db8:1234::1234:5678:90af;5431;d8r82722r2kuvn;ieRaekei9wilaim7;wegauwhgeuioweg")] // dj test_ipv6_parsing
    [InlineData("postgres://%23user:%23password@ec2-107-21-253-135.compute-1.amazonaws.com:5431/%23database", "ec2-107-21-253-135.compute-1.amazonaws.com;5431;#database;#user;#password")] // dj test_postgres_parsing_with_special_characters
    [InlineData("POSTGRESQL://u:p@h/db", "h;5432;db;u;p")] // Heroku: both schemes, any case
    [InlineData("postgres://postgres:postgres@db_1:5432/app", "db_1;5432;app;postgres;postgres")] // a Docker Compose service name
    [InlineData("postgres://otheruser@?host=/no/such/directory", "/no/such/directory;5432;;otheruser;")] // libpq
    [InlineData("postgres://:12345/db?host=/path/to/socket", "/path/to/socket;12345;db;;")] // libpq
    // libpq ends the user name at the first ':' and the password at the first '@' before any '/': what is between is the password.
    [InlineData("postgres://u:p?x=1@h/db", "h;5432;db;u;p?x=1")]
    [InlineData("postgres://u:pa?ss=wo=rd@h:5433/db?sslmode=require", "h;5433;db;u;pa?ss=wo=rd")]
    [InlineData("postgres://u:pa#ss@h/db", "h;5432;db;u;pa#ss")]
    [InlineData("postgres://u:pa&ss@h/db", "h;5432;db;u;pa&ss")]
    [InlineData("postgres://u:pa:ss:@h/db", "h;5432;db;u;pa:ss:")]
    [InlineData("postgres://u:pa ss@h/db", "h;5432;db;u;pa ss")] // libpq up to 17; 18 wants %20
    [InlineData("postgres://u:?#&=:@h", "h;5432;;u;?#&=:")]
    [InlineData("postgres://u:p%40ss%2Fw%3F@h/db", "h;5432;db;u;p@ss/w?")]
    [InlineData("postgres://u%40x:p@h/db", "h;5432;db;u@x;p")]
    [InlineData("postgres://u:@h/db", "h;5432;db;u;")] // libpq sets no empty password
    [InlineData("postgres://u:p@host1:5432,host2:5433/db", "host1:5432,host2:5433;5432;db;u;p")] // Npgsql multi-host
    [InlineData("postgres://u:p@[::1]:5432,host2/db", "[::1]:5432,host2;5432;db;u;p")] // Npgsql multi-host
    public void Reads_the_parts_of_a_url(string url, string expected)
    {
        var builder = DatabaseUrl.Parse(url);

        Assert.Equal(expected, $"{builder.Host};{builder.Port};{builder.Database};{builder.Username};{builder.Password}");
    }

    [Fact]
    public void Reads_the_query_parameters_into_npgsql_settings()
    {
        // dj-database-url test_database_url_with_options and test_postgres_parsing_with_int_bool_str_query_string (passfile).
        var builder = DatabaseUrl.Parse(Heroku + "?sslrootcert=rds-combined-ca-bundle.pem&sslmode=verify-full&passfile=.my_pgpass"
            + "&connect_timeout=7&application_name=my%20app&target_session_attrs=read-write&currentSchema=otherschema");

        Assert.Equal(SslMode.VerifyFull, builder.SslMode);
        Assert.Equal("rds-combined-ca-bundle.pem", builder.RootCertificate);
        Assert.Equal(".my_pgpass", builder.Passfile);
        Assert.Equal(7, builder.Timeout);
        Assert.Equal("my app", builder.ApplicationName);
        Assert.Equal("read-write", builder.TargetSessionAttributes);
        Assert.Equal("otherschema", builder.SearchPath);
    }

    [Fact]
    public void Without_sslmode_none_is_set_so_the_app_can_choose()
    {
        Assert.DoesNotContain("SSL Mode", DatabaseUrl.Parse(Heroku).ConnectionString);
        Assert.Contains("SSL Mode=Disable", DatabaseUrl.Parse(Heroku + "?sslmode=disable").ConnectionString);
    }

    // libpq's refusals (regress.in with expected.out), then the platform's own: no host, a bad host, a typo in a parameter.
    [Theory]
    [InlineData("postgre://", "postgres://")]
    [InlineData("mysql://u:p@h/db", "postgres://")]
    [InlineData("postgres://[::1", "closing ']'")]
    [InlineData("postgres://[]", "empty IPv6")]
    [InlineData("postgres://[::1]z", "after an IPv6 host")]
    [InlineData("postgresql://host?zzz", "exactly one '='")]
    [InlineData("postgresql://host?value1&value2", "exactly one '='")]
    [InlineData("postgresql://host?key=key=value", "exactly one '='")]
    [InlineData("postgres://host?dbname=%XXfoo", "percent-encoding")]
    [InlineData("postgresql://a%00b", "%00")]
    [InlineData("postgresql://%zz", "percent-encoding")]
    [InlineData("postgresql://%1", "percent-encoding")]
    [InlineData("postgresql://%", "percent-encoding")]
    [InlineData("postgres://", "no host")]
    [InlineData("postgres:///db", "no host")]
    [InlineData("postgres://u:p@ho st/db", "not a host name")]
    [InlineData("postgres://u:p@h:port/db", "port")]
    [InlineData("postgres://u:p@h:70000/db", "port")]
    [InlineData("postgres://u:p@h/db?sslmode=sometimes", "sslmode")]
    [InlineData("postgres://u:p@h/db?connect_timeout=soon", "connect_timeout")]
    [InlineData("postgres://u:p@h/db?sslmod=disable", "unsupported query parameter 'sslmod'")]
    [InlineData("postgres://u:p@h/db?target_session_attrs=sometimes", "target_session_attrs: must be one of")]
    [InlineData("postgres://u:p%zz@h/db", "percent-encoding in the user name or password")]
    public void Refuses_what_libpq_refuses_with_the_reason(string url, string reason) =>
        Assert.Contains(reason, Assert.Throws<FormatException>(() => DatabaseUrl.Parse(url)).Message);

    // A password with an unencoded '@' or '/': libpq cuts it short too, and would then quote the rest as a
    // host, port, database or parameter. Refused with the rule, and nothing of the password.
    [Theory]
    [InlineData("postgres://u:{0}@h/db", "Xq7@Zt9k")] // the old regex's host: "Zt9k@h"
    [InlineData("postgres://u:{0}@h/db", "Xq7/Zt9k")] // libpq's host "u", port "Xq7"
    [InlineData("postgres://u:{0}@h:5432/db", "123/Zt9k")] // libpq's port 123, database "Zt9k@h:5432/db"
    [InlineData("postgres://u:{0}@h/db", "Xq7@Zt?Qvw=Kw2")] // libpq's query parameter "Qvw"
    [InlineData("postgres://u:{0}@h/db", "Xq7/Zt?Qvw=Kw2")]
    [InlineData("postgres://u:{0}@h/db?sslmode=require", "Xq7@Zt9k/Rf5")]
    public void An_unencoded_at_or_slash_in_the_password_is_refused_with_the_rule_and_nothing_of_the_password(string url, string password)
    {
        var message = Assert.Throws<FormatException>(() => DatabaseUrl.Parse(string.Format(CultureInfo.InvariantCulture, url, password))).Message;

        Assert.Contains("must be percent-encoded, e.g. %40 for @", message);
        Assert.All(Enumerable.Range(0, password.Length - 2).Select(start => password.Substring(start, 3)),
            fragment => Assert.DoesNotContain(fragment, message));
    }

    [Fact]
    public void The_report_names_database_url_and_the_rule()
    {
        const string Password = "Xq7/Zt9k";
        var configuration = TestSettings.Configuration(new Dictionary<string, string?> { ["DATABASE_URL"] = $"postgres://u:{Password}@h/db" });

        var report = Assert.Throws<InvalidSettingsException>(() => SettingsReader.Read(configuration, env => new DatabaseSettings(env))).Message;

        Assert.Contains(report.Split('\n'), line => line.StartsWith("  DATABASE_URL ", StringComparison.Ordinal) && line.Contains("%2F for /"));
        Assert.DoesNotContain("Zt9", report);
    }

    [Fact]
    public void Errors_never_contain_the_password() =>
        Assert.DoesNotContain("hunter2", Assert.Throws<FormatException>(() => DatabaseUrl.Parse("postgres://u:hunter2@h/db?sslmode=never")).Message);
}
