namespace MyApp.Contact;

/// <summary>What a visitor wrote on the contact page: the argument of <see cref="ContactMailer"/>, stored with the job.</summary>
public sealed record ContactMessage(string Name, string Message);
