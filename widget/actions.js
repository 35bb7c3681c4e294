// Buttons under a message (a rich reply's "buttons" block, the after-hours quick actions) and the
// URL check every rich link goes through. Part of the first open, so quick actions show at once;
// the heavier blocks are in rich.js. log.js handles the buttons' clicks (button.sc-action).

import { el } from './ui.js';

const ACTIONS = ['message', 'contact_form', 'human'];

export const text = (value) => (typeof value === 'string' ? value.trim() : '');

/**
 * An http(s) URL or a path on the host page's site, resolved; null for anything else. The server
 * checks too, but a javascript: link must never reach the page, whatever the server sent.
 */
export function safeUrl(value, base = window.location.href) {
  const raw = text(value);
  let url;
  try {
    url = new URL(raw, base);
  } catch {
    return null;
  }
  if (!raw || (url.protocol !== 'http:' && url.protocol !== 'https:')) return null;
  // "/\evil.example" and "/\t/evil.example" are other hosts to a browser: a path must stay here.
  const ok = raw.startsWith('/') ? url.origin === new URL(base).origin : /^https?:\/\/[^/]/i.test(raw);
  return ok ? url.href : null;
}

/** Pictures and videos given as a path live on the chat server (this module's origin); links
 * given as a path are pages of the site the widget is on. */
export const MEDIA_BASE = import.meta.url;

/** A link that opens in a new tab and says so. */
export function linkView(label, url, className, track = 'link') {
  return el('a', { class: className, href: url, target: '_blank', rel: 'noopener noreferrer', 'data-track': track },
    el('span', { dir: 'auto' }, label), ' ', el('span', { class: 'sc-sr-only', t: 'newTab' }));
}

/** A "buttons" block ({buttons: [{label, action, value?}]}) as a group, or null if none is usable. */
export function buttonsView(block) {
  const buttons = (Array.isArray(block.buttons) ? block.buttons : []).map((button) => {
    const label = text(button && button.label);
    if (!label) return null;
    if (button.action === 'link') {
      const href = safeUrl(button.value);
      return href ? linkView(label, href, 'sc-button sc-action-link') : null;
    }
    if (!ACTIONS.includes(button.action) || (button.action === 'message' && !text(button.value))) return null;
    return el('button', {
      type: 'button', class: 'sc-button sc-action', dir: 'auto', 'data-action': button.action, 'data-track': `action.${button.action}`,
      'data-value': button.action === 'message' ? text(button.value) : null,
    }, label);
  }).filter(Boolean);
  return buttons.length ? el('div', { class: 'sc-actions', role: 'group', ta: 'aria-label=actions' }, buttons) : null;
}

/** The owner's words are in the business's language (lang); the widget's own labels are not. */
export function markLang(node, lang) {
  for (const part of node && lang ? [node, ...node.querySelectorAll('*')] : []) {
    if (part.matches('[dir=auto], img, video')) part.lang = lang;
  }
  return node;
}
