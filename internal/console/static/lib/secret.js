// secret.js: how the console shows a secret the API answers only once (a
// new or rotated management token): in a read-only field with a copy
// button and a warning. It lives in the page only; a reload loses it.

import { h, field, button, say } from './dom.js';

/** secretPanel shows secret once, with what it is and a copy button. */
export function secretPanel(title, secret, note) {
  const out = h('input', { type: 'text', readonly: true, value: secret, class: 'secret', name: 'secret', spellcheck: 'false' });
  const copy = button('Copy secret', async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      out.select();
      document.execCommand('copy');
    }
    say('The secret is copied to the clipboard.');
  });
  const panel = h('div', { class: 'secret-panel', role: 'region', 'aria-label': title },
    h('h3', {}, title),
    h('p', { class: 'warning', role: 'alert' }, 'Copy this secret now. It is shown only once: stackd keeps only a hash of it.'),
    field('Token secret', out), copy, note ? h('p', {}, note) : null);
  setTimeout(() => out.focus(), 0);
  return panel;
}
