// "Your data" inside the panel: the visitor downloads everything the chat holds about them, or
// deletes it (after saying so twice), or has a link to it e-mailed (from another browser too,
// when the server can send e-mail). app.js loads this module the first time it is opened.

import { describeError } from './api.js';
import { translate, views } from './i18n.js';
import { el, uniqueId } from './ui.js';

await views(); // this view's strings in the visitor's language (i18n.js)

/** Save a Blob under name, as a download. */
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/**
 * Build the view. api: PanelApi (exportData, eraseData, requestDataLink, session); onBack()
 * returns to the chat; onErased() forgets the conversation in the panel; emailLinks() says whether
 * the server sends links by e-mail. Returns {node, open(), focus()}.
 */
export function privacyView({ api, alerts, onBack, onErased, emailLinks }) {
  const titleId = uniqueId('privacy-title');
  const title = el('h3', { class: 'sc-contact-title', id: titleId, tabindex: '-1', t: 'yourData' });
  const status = el('p', { class: 'sc-privacy-status', role: 'status' });
  const say = (key) => {
    status.dataset.t = key;
    translate(status);
  };
  const button = (key, track, onclick, primary = false) => el('button', {
    type: 'button', class: `sc-button${primary ? ' sc-button-primary' : ''} sc-privacy-${track}`, 'data-track': `privacy.${track}`, onclick, t: key,
  });
  let busy = false;
  const run = async (work) => {
    if (busy) return;
    busy = true;
    alerts.hide();
    try {
      await work();
    } catch (err) {
      if (err && err.status === 404) say('nothingStored');
      else alerts.show(describeError(err));
    } finally {
      busy = false;
    }
  };

  const download = button('downloadData', 'download', () => run(async () => {
    if (!api.session) return say('nothingStored');
    say('preparing');
    const { blob, filename } = await api.exportData();
    save(blob, filename);
    say('downloaded');
  }), true);
  const confirmText = el('p', { class: 'sc-privacy-warning', id: uniqueId('privacy-warning'), t: 'deleteWarning' });
  const cancel = button('cancel', 'cancel', () => showConfirm(false));
  const confirm = button('deleteForGood', 'confirm', () => run(async () => {
    await api.eraseData();
    onErased();
    showConfirm(false);
    say('deleted');
  }), true);
  confirm.setAttribute('aria-describedby', confirmText.id);
  const confirmBox = el('div', { class: 'sc-privacy-confirm-box', hidden: true },
    confirmText, el('div', { class: 'sc-contact-buttons' }, cancel, confirm));
  const remove = button('deleteData', 'delete', () => {
    if (!api.session) return say('nothingStored');
    return showConfirm(true);
  });
  function showConfirm(shown) {
    confirmBox.hidden = !shown;
    remove.hidden = shown;
    (shown ? cancel : remove).focus();
  }

  const emailId = uniqueId('privacy-email');
  const emailInput = el('input', {
    id: emailId, name: 'email', type: 'email', autocomplete: 'email', required: true, dir: 'ltr', class: 'sc-field-input', 'data-track': 'privacy.email',
  });
  const linkForm = el('form', { class: 'sc-privacy-link', novalidate: true },
    el('label', { class: 'sc-label', for: emailId, t: 'linkByEmail' }),
    emailInput,
    el('button', { type: 'submit', class: 'sc-button sc-privacy-link-send', 'data-track': 'privacy.link', t: 'sendLink' }));
  linkForm.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!emailInput.value.trim()) return emailInput.focus();
    return run(async () => {
      await api.requestDataLink(emailInput.value.trim());
      say('linkSent');
    });
  });

  const node = el('section', { class: 'sc-contact sc-privacy', hidden: true, 'aria-labelledby': titleId },
    el('div', { class: 'sc-contact-form' },
      title,
      el('p', { class: 'sc-contact-intro', t: 'privacyIntro' }),
      download,
      remove,
      confirmBox,
      linkForm,
      status,
      button('back', 'back', () => onBack())));

  return {
    node,
    open() {
      status.textContent = '';
      delete status.dataset.t;
      confirmBox.hidden = true;
      remove.hidden = false;
      linkForm.hidden = !emailLinks();
      node.hidden = false;
      title.focus();
    },
    focus() {
      title.focus();
    },
  };
}
