// "Continue on WhatsApp" inside the panel: the visitor gives their number (international form)
// and agrees; the server moves the conversation there and sends its first WhatsApp message.
// app.js loads this module the first time it is opened (only when the site has WhatsApp).

import { describeError } from './api.js';
import { translate, views } from './i18n.js';
import { el, uniqueId } from './ui.js';

await views(); // this view's strings in the visitor's language (i18n.js)

// The server's rule (WhatsAppIn.number): +, then 8 to 15 digits, single spaces or dashes between.
const NUMBER = /^\+[1-9](?:[ -]?[0-9]){7,14}$/;

/**
 * Build the view. api: PanelApi (continueOnWhatsApp, session); onBack() returns to the chat.
 * Returns {node, open(), focus()}.
 */
export function whatsappView({ api, alerts, onBack }) {
  const titleId = uniqueId('whatsapp-title');
  const numberId = uniqueId('whatsapp-number');
  const consentId = uniqueId('whatsapp-consent');
  const title = el('h3', { class: 'sc-contact-title', id: titleId, tabindex: '-1', t: 'whatsapp' });
  const status = el('p', { class: 'sc-privacy-status', role: 'status' });
  const say = (key, vars) => {
    status.dataset.t = key;
    if (vars) status.dataset.tv = JSON.stringify(vars);
    else delete status.dataset.tv;
    translate(status);
  };
  const number = el('input', {
    id: numberId, name: 'number', type: 'tel', autocomplete: 'tel', inputmode: 'tel', required: true, dir: 'ltr',
    class: 'sc-field-input', 'data-track': 'whatsapp.number',
  });
  const consent = el('input', { id: consentId, name: 'consent', type: 'checkbox', required: true, 'data-track': 'whatsapp.consent' });
  const send = el('button', { type: 'submit', class: 'sc-button sc-button-primary sc-whatsapp-send', 'data-track': 'whatsapp.send', t: 'whatsappSend' });
  const form = el('form', { class: 'sc-contact-form', novalidate: true },
    title,
    el('p', { class: 'sc-contact-intro', t: 'whatsappIntro' }),
    el('label', { class: 'sc-label', for: numberId, t: 'whatsappNumber' }),
    number,
    el('div', { class: 'sc-consent' }, consent, el('label', { for: consentId, t: 'whatsappConsent' })),
    send,
    status,
    el('button', { type: 'button', class: 'sc-button sc-whatsapp-back', 'data-track': 'whatsapp.back', t: 'back', onclick: () => onBack() }));
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    const value = number.value.trim();
    if (!NUMBER.test(value)) {
      number.setAttribute('aria-invalid', 'true');
      say('whatsappInvalid');
      return number.focus();
    }
    number.removeAttribute('aria-invalid');
    if (!consent.checked) {
      say('whatsappConsentNeeded');
      return consent.focus();
    }
    busy = true;
    alerts.hide();
    try {
      const moved = await api.continueOnWhatsApp(value);
      say('whatsappSent', { number: moved.number });
    } catch (err) {
      alerts.show(describeError(err));
    } finally {
      busy = false;
    }
  });

  const node = el('section', { class: 'sc-contact sc-whatsapp', hidden: true, 'aria-labelledby': titleId }, form);
  return {
    node,
    open() {
      status.textContent = '';
      delete status.dataset.t;
      node.hidden = false;
      title.focus();
    },
    focus() {
      title.focus();
    },
  };
}
