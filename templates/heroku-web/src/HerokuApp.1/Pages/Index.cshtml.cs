using Microsoft.AspNetCore.Mvc.RazorPages;

namespace HerokuApp._1.Pages;

public sealed class IndexModel : PageModel
{
    public void OnGet()
    {
    }
}
