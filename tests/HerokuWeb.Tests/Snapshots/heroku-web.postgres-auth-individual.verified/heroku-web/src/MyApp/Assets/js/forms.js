// Opt-in form enhancements; every page works without them.
(function () {
    'use strict';

    // form[data-once]: a double click posts once. "submit" fires only when constraint validation passed.
    const submits = '[type=submit], button:not([type])';
    document.addEventListener('submit', (event) => {
        const form = event.target;
        if (!form.matches('form[data-once]') || event.defaultPrevented) {
            return;
        }
        if (form.hasAttribute('data-sent')) {
            event.preventDefault();
            return;
        }
        form.setAttribute('data-sent', '');
        // Disabled on the next turn: disabling the clicked button now would drop its name/value from the post.
        setTimeout(() => form.querySelectorAll(submits).forEach((b) => { b.disabled = true; }));
    });

    // A page restored from the back/forward cache must be usable again.
    addEventListener('pageshow', () => document.querySelectorAll('form[data-sent]').forEach((form) => {
        form.removeAttribute('data-sent');
        form.querySelectorAll(submits).forEach((b) => { b.disabled = false; });
    }));

    // textarea[data-counter]: "n / max", max from maxlength or ASP.NET's data-val-length-max.
    document.querySelectorAll('textarea[data-counter]').forEach((area) => {
        const max = +(area.getAttribute('maxlength') || area.getAttribute('data-val-length-max'));
        if (!max) {
            return;
        }
        const counter = document.createElement('span');
        counter.className = 'counter';
        if (area.id) {
            counter.id = `${area.id}-counter`;
            area.setAttribute('aria-describedby', `${area.getAttribute('aria-describedby') || ''} ${counter.id}`.trim());
        }
        area.after(counter);
        const update = () => {
            counter.textContent = `${area.value.length} / ${max}`;
            counter.classList.toggle('is-over', area.value.length > max);
        };
        area.addEventListener('input', update);
        update();
    });

    // time[data-relative]: "3 minutes ago", with the absolute time in the title.
    const times = document.querySelectorAll('time[data-relative]');
    if (times.length && window.Intl && Intl.RelativeTimeFormat) {
        const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
        const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
        const units = { year: 31536000, month: 2592000, week: 604800, day: 86400, hour: 3600, minute: 60, second: 1 };
        const render = () => times.forEach((time) => {
            const date = new Date(time.dateTime);
            const seconds = (date - Date.now()) / 1000;
            if (isNaN(seconds)) {
                return;
            }
            const unit = Object.keys(units).find((name) => Math.abs(seconds) >= units[name]) || 'second';
            time.textContent = relative.format(Math.round(seconds / units[unit]), unit);
            time.title = absolute.format(date);
        });
        render();
        setInterval(render, 30000);
    }

    // After a post that failed validation, start at the first problem.
    const invalid = document.querySelector('.input-validation-error');
    if (invalid) {
        invalid.focus();
    }
})();
