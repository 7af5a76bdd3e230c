using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace MyApp.Guestbook;

// The guestbook lists the latest entries first: without an index, every page view sorts the whole table.
[Index(nameof(CreatedAt))]
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
