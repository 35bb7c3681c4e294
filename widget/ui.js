// DOM building helpers. Data (visitor text, server text, business name) only ever reaches the
// DOM as text nodes or attribute values; nothing here parses HTML.

import { dir, keyOf, translate } from './i18n.js';

const SVG_NS = 'http://www.w3.org/2000/svg';

// String keys (i18n.js) of the label each message role carries.
export const ROLE_LABELS = {
  visitor: 'you',
  bot: 'bot',
  agent: 'agent',
  system: 'notice',
};

/**
 * el('button', {class: 'sc-send', type: 'button', onclick: fn}, 'Send'): attributes go through
 * setAttribute (or the matching property for class/hidden/value/dataset), `on*` functions become
 * listeners, and string children become text nodes. `t` (a string key for the text) and `ta`
 * ("aria-label=close", keys for attributes) are kept as data-t/data-ta and translated (i18n.js);
 * `tv` ({n: 2}) fills their {placeholders}.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 't' || name === 'ta') node.dataset[name] = value;
    else if (name === 'tv') node.dataset.tv = JSON.stringify(value);
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'hidden') node.hidden = Boolean(value);
    else if (name === 'value') node.value = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  if (attrs.t || attrs.ta) translate(node);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Text that screen readers read and sighted users do not see: a string key, then `after`. */
export function srOnly(key, after = '') {
  return el('span', { class: 'sc-sr-only' }, el('span', { t: key }), after);
}

/** A decorative inline SVG icon from path data (constants only). */
export function icon(paths, size = 20, className = null) {
  const svg = document.createElementNS(SVG_NS, 'svg');
  if (className) svg.setAttribute('class', className);
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('width', String(size));
  svg.setAttribute('height', String(size));
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const d of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    svg.append(path);
  }
  return svg;
}

export const ICON_CLOSE = ['M6 6l12 12M18 6L6 18'];
export const ICON_MOON = ['M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z'];
export const ICON_SUN = ['M12 8a4 4 0 1 0 0 8a4 4 0 0 0 0-8zM12 2v3M12 19v3M2 12h3M19 12h3M5 5l2 2M17 17l2 2M5 19l2-2M17 7l2-2'];

/**
 * A message row: .sc-msg[data-role][data-id] holding a labelled bubble. `lang` is the language of
 * the text when known (it can differ from the widget's); its direction follows the text (dir=auto).
 */
export function messageView({ role, text = '', id = null, clientId = null, lang = null }) {
  const safeRole = ROLE_LABELS[role] ? role : 'system';
  const label = ROLE_LABELS[safeRole];
  const author = safeRole === 'agent'
    ? el('span', { class: 'sc-msg-author', t: label })
    : srOnly(label, ': ');
  const row = el('div', { class: `sc-msg sc-msg-${safeRole}`, 'data-role': safeRole },
    author,
    el('div', { class: 'sc-bubble' }, el('span', { class: 'sc-msg-text', dir: 'auto', lang })),
  );
  if (id !== null && id !== undefined) row.dataset.id = String(id);
  if (clientId) row.dataset.clientId = clientId;
  setMessageText(row, text);
  return row;
}

/** A notice the widget knows ("An agent has joined…") is shown in the widget's language. */
export function setMessageText(row, text) {
  const node = row.querySelector('.sc-msg-text');
  const key = row.dataset.role === 'system' && keyOf(text);
  if (key) {
    node.dataset.t = key;
    translate(node);
  } else {
    delete node.dataset.t;
    node.textContent = text;
  }
}

/**
 * A bot answer's note in the visitor's language ("not available in your language yet"), after its
 * text in an element of its own: its own lang and direction (WCAG 3.1.2). '' removes it.
 */
export function setMessageNote(row, note, lang) {
  let node = row.querySelector('.sc-msg-note');
  if (!note) {
    if (node) node.remove();
    return;
  }
  if (!node) row.querySelector('.sc-bubble').append(node = el('span', { class: 'sc-msg-note' }));
  const code = typeof lang === 'string' && /^[a-z]{2,3}$/.test(lang) ? lang : null;
  if (code) node.lang = code;
  else node.removeAttribute('lang');
  node.dir = code ? dir(code) : 'auto';
  node.textContent = note;
}

/**
 * The "Assistant is typing" row: three decorative dots, who is typing for screen readers and the
 * usual reply time (.sc-typing-wait, shown when known). log.js fills them in.
 */
export function typingView() {
  return el('div', { class: 'sc-typing', hidden: true },
    el('span', { class: 'sc-typing-dots', 'aria-hidden': 'true' },
      el('span', { class: 'sc-dot' }), el('span', { class: 'sc-dot' }), el('span', { class: 'sc-dot' })),
    el('span', { class: 'sc-sr-only' }, el('span', { class: 'sc-typing-who', t: 'typing' }), '. '),
    el('span', { class: 'sc-typing-wait', hidden: true }),
  );
}

/** Grey message-shaped blocks while the history loads (decorative: the log says aria-busy). */
export function skeletonView() {
  return el('div', { class: 'sc-skeleton', 'aria-hidden': 'true' },
    ['bot', 'visitor', 'bot'].map((role) => el('div', { class: `sc-skeleton-msg sc-skeleton-${role}` })));
}

/**
 * Alerts live in `slot`: show() inserts a fresh role="alert" element (inserting one with its text
 * is what screen readers announce most reliably) and hide() removes it. `message` is text or nodes.
 */
export function alertController(slot) {
  let current = null;
  return {
    show(message) {
      const box = el('div', { class: 'sc-alert', role: 'alert' }, message);
      if (current) current.replaceWith(box);
      else slot.append(box);
      current = box;
    },
    hide() {
      if (current) current.remove();
      current = null;
    },
  };
}

/** Tab from the last control of `container` goes to the first, Shift+Tab from the first to the last. */
export function trapFocus(container, event) {
  const controls = [...container.querySelectorAll('a[href], button, input, select, textarea, [tabindex="0"]')]
    .filter((node) => !node.disabled && node.getClientRects().length);
  const first = controls[0];
  const last = controls[controls.length - 1];
  const at = document.activeElement;
  if (event.shiftKey ? at === first : at === last) {
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  }
}

let uid = 0;
/** A page-unique element id with the widget prefix. */
export function uniqueId(name) {
  uid += 1;
  return `sc-${name}-${uid}`;
}
