// The header's theme switch. The choice goes in the "theme" cookie, which the server reads to render
// <html data-theme> (Pages/Theme.cs), so later pages arrive in that theme without a flash.
(function () {
    'use strict';

    const buttons = document.querySelectorAll('button[data-theme-choice]');

    buttons.forEach((button) => button.addEventListener('click', () => {
        const choice = button.getAttribute('data-theme-choice');
        const secure = location.protocol === 'https:' ? '; secure' : '';
        document.cookie = `theme=${choice}; path=/; max-age=31536000; samesite=lax${secure}`;
        document.documentElement.setAttribute('data-theme', choice);
        buttons.forEach((other) => other.setAttribute('aria-pressed', String(other === button)));
    }));
})();
