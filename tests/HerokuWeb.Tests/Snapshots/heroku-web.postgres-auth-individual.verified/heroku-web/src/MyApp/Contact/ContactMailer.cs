using Heroku.AspNetCore;
using MimeKit;

namespace MyApp.Contact;

/// <summary>
/// The job that emails a contact message to CONTACT_EMAIL, from DEFAULT_FROM_EMAIL. The contact page enqueues it
/// and the worker process runs it: a mail server that fails gets it retried, ten times and further apart each
/// time, then it waits on /jobs as failed, for an operator to retry.
/// </summary>
public sealed class ContactMailer(AppSettings settings, IEmailSender email, ILogger<ContactMailer> logger)
{
    public async Task SendAsync(ContactMessage contact, CancellationToken cancellationToken)
    {
        if (settings.ContactEmail is null)
        {
            // Nowhere to send it: the log keeps it.
            logger.LogWarning("CONTACT_EMAIL is not set, so this contact message is only logged: from {Name}: {Message}", contact.Name, contact.Message);
            return;
        }
        var message = new MimeMessage
        {
            Subject = $"Contact: {contact.Name}",
            Body = new TextPart("plain") { Text = $"{contact.Name} wrote on the contact page:\n\n{contact.Message}\n" },
        };
        message.To.Add(settings.ContactEmail);
        await email.SendAsync(message, cancellationToken);
    }
}
