// The contact form shown inside the panel when the bot offers "contact_form" (or the visitor asks).

import { describeError } from './api.js';
import { translate, views } from './i18n.js';
import { el, uniqueId } from './ui.js';

await views(); // this view's strings in the visitor's language (i18n.js)

// The chat server's rule (core/models/contacts.py EMAIL_PATTERN): the HTML standard's valid
// e-mail address, with a dot in the domain.
const EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

// label and required are string keys (i18n.js).
const FIELDS = [
  { name: 'name', label: 'name', type: 'text', autocomplete: 'name', required: 'needName' },
  { name: 'email', label: 'email', type: 'email', autocomplete: 'email', required: 'needEmail' },
  { name: 'phone', label: 'phone', type: 'tel', autocomplete: 'tel' },
  { name: 'message', label: 'message', multiline: true, required: 'needMessage' },
];

function fieldView(spec) {
  const id = uniqueId(`contact-${spec.name}`);
  const errorId = `${id}-error`;
  // Addresses and numbers read left to right in every language; names and messages follow their text.
  const attrs = { id, name: spec.name, class: 'sc-field-input', 'data-track': `contact.${spec.name}`, 'aria-describedby': errorId, dir: spec.autocomplete === 'name' || spec.multiline ? 'auto' : 'ltr' };
  if (spec.required) {
    attrs.required = true;
    attrs['aria-required'] = 'true';
  }
  const control = spec.multiline
    ? el('textarea', { ...attrs, rows: '4' })
    : el('input', { ...attrs, type: spec.type, autocomplete: spec.autocomplete });
  const error = el('p', { class: 'sc-field-error', id: errorId, hidden: true });
  const wrapper = el('div', { class: 'sc-field' }, el('label', { class: 'sc-label', for: id, t: spec.label }), control, error);
  return { spec, control, error, wrapper };
}

function validate(field) {
  const value = field.control.value.trim();
  let problem = '';
  if (field.spec.required && !value) problem = field.spec.required;
  else if (field.spec.name === 'email' && value && !EMAIL_PATTERN.test(value)) problem = 'badEmail';
  field.error.dataset.t = problem; // kept, so a change of language translates it too
  field.error.textContent = '';
  translate(field.error);
  field.error.hidden = !problem;
  if (problem) field.control.setAttribute('aria-invalid', 'true');
  else field.control.removeAttribute('aria-invalid');
  return !problem;
}

/**
 * Build the contact view. onBack() returns to the chat; alerts is the panel's alertController.
 * Returns {node, open()}.
 */
export function contactView({ api, alerts, onBack }) {
  const fields = FIELDS.map(fieldView);
  const titleId = uniqueId('contact-title');
  const submit = el('button', { type: 'submit', class: 'sc-button sc-button-primary sc-contact-submit', 'data-track': 'contact.submit', t: 'send' });
  const back = el('button', { type: 'button', class: 'sc-button sc-contact-back', 'data-track': 'contact.back', onclick: () => onBack(), t: 'back' });
  const form = el('form', { class: 'sc-contact-form', novalidate: true, 'aria-labelledby': titleId },
    el('h3', { class: 'sc-contact-title', id: titleId, tabindex: '-1', t: 'contactUs' }),
    el('p', { class: 'sc-contact-intro', t: 'intro' }),
    fields.map((field) => field.wrapper),
    el('div', { class: 'sc-contact-buttons' }, back, submit),
  );
  const thanksText = el('p', { class: 'sc-contact-thanks', tabindex: '-1', t: 'thanks' });
  const done = el('div', { class: 'sc-contact-done', hidden: true },
    thanksText,
    el('button', { type: 'button', class: 'sc-button sc-button-primary sc-contact-back', 'data-track': 'contact.back', onclick: () => onBack(), t: 'back' }),
  );
  const node = el('section', { class: 'sc-contact', hidden: true }, form, done);

  for (const field of fields) {
    // Re-check a field once it has been flagged so the message disappears as soon as it is fixed.
    field.control.addEventListener('input', () => {
      if (field.control.getAttribute('aria-invalid') === 'true') validate(field);
    });
  }

  const label = (key) => {
    submit.dataset.t = key;
    translate(submit);
  };
  let busy = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (busy) return;
    alerts.hide();
    const invalid = fields.filter((field) => !validate(field));
    if (invalid.length) {
      // Focus scrolls only as far as the field: the form's heading would stay above, out of
      // view under the header. The first field is shown with the heading and intro above it.
      const [first] = invalid;
      first.control.focus({ preventScroll: true });
      if (first === fields[0]) node.scrollTop = 0;
      else first.wrapper.scrollIntoView({ block: 'nearest' });
      return;
    }
    const values = Object.fromEntries(fields.map((field) => [field.spec.name, field.control.value.trim()]));
    busy = true;
    submit.disabled = true;
    label('sending');
    try {
      await api.contact(values);
      form.reset();
      form.hidden = true;
      done.hidden = false;
      thanksText.focus();
    } catch (err) {
      alerts.show(describeError(err));
    } finally {
      busy = false;
      submit.disabled = false;
      label('send');
    }
  });

  return {
    node,
    open() {
      form.hidden = false;
      done.hidden = true;
      node.hidden = false;
      fields[0].control.focus();
    },
    focus() {
      if (done.hidden) fields[0].control.focus();
      else thanksText.focus();
    },
  };
}
