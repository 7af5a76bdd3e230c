using System.ComponentModel.DataAnnotations;

namespace MyApp.Guestbook;

public sealed class GuestbookEntry
{
    public const int NameMaxLength = 80;
    public const int MessageMaxLength = 500;

    public int Id { get; set; }

    [MaxLength(NameMaxLength)]
    public required string Name { get; set; }

    [MaxLength(MessageMaxLength)]
    public required string Message { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
