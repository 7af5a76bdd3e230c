using Microsoft.AspNetCore.Mvc.RazorPages;

namespace MyApp.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
