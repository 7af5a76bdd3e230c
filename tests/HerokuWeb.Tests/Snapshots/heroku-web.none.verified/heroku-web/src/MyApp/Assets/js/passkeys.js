// Passkeys (WebAuthn), for form[data-passkey="create"] (add one) and form[data-passkey="request"] (sign in with one).
// The form's submit posts to its data-passkey-options URL for the options (with the form's antiforgery token), has
// the browser make or use the passkey, puts the result in the form's "credential" field, and posts the form.
(function () {
    'use strict';

    document.addEventListener('submit', async (event) => {
        const form = event.target;
        const ceremony = form.getAttribute && form.getAttribute('data-passkey');
        if (!ceremony) {
            return;
        }
        event.preventDefault();
        const error = form.querySelector('[data-passkey-error]');
        const say = (text) => { if (error) { error.textContent = text; } };
        if (!window.PublicKeyCredential || !PublicKeyCredential.parseCreationOptionsFromJSON) {
            say('This browser cannot use passkeys.');
            return;
        }
        say('');
        try {
            const token = form.querySelector('[name="__RequestVerificationToken"]').value;
            const response = await fetch(form.getAttribute('data-passkey-options'), {
                method: 'POST',
                body: new URLSearchParams({ __RequestVerificationToken: token }),
                credentials: 'same-origin',
            });
            if (!response.ok) {
                say(response.status === 429 ? 'Too many tries from here: wait a minute.' : 'The passkey could not be started: reload the page and try again.');
                return;
            }
            const options = await response.json();
            const credential = ceremony === 'create'
                ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
                : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) });
            form.querySelector('[name="credential"]').value = JSON.stringify(credential);
            form.submit();
        } catch (e) {
            // NotAllowedError: the person cancelled, or the browser timed out.
            say(e && e.name === 'NotAllowedError' ? 'No passkey was used.' : 'The passkey did not work: try again.');
        }
    });
})();
