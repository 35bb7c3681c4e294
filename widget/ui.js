// DOM building helpers. Data (visitor text, server text, business name) only ever reaches the
// DOM as text nodes or attribute values; nothing here parses HTML.

const SVG_NS = 'http://www.w3.org/2000/svg';

export const ROLE_LABELS = {
  visitor: 'Your message',
  bot: 'Assistant',
  agent: 'Agent',
  system: 'Notice',
};

/**
 * el('button', {class: 'sc-send', type: 'button', onclick: fn}, 'Send'): attributes go through
 * setAttribute (or the matching property for class/hidden/value/dataset), `on*` functions become
 * listeners, and string children become text nodes.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'dataset') Object.assign(node.dataset, value);
    else if (name === 'hidden') node.hidden = Boolean(value);
    else if (name === 'value') node.value = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Text that screen readers read and sighted users do not see. */
export function srOnly(text) {
  return el('span', { class: 'sc-sr-only' }, text);
}

/** A decorative inline SVG icon from path data (constants only). */
export function icon(paths, size = 20) {
  const svg = document.createElementNS(SVG_NS, 'svg');
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

/** A message row: .sc-msg[data-role][data-id] holding a labelled bubble. */
export function messageView({ role, text = '', id = null, clientId = null }) {
  const safeRole = ROLE_LABELS[role] ? role : 'system';
  const label = ROLE_LABELS[safeRole];
  const textNode = el('span', { class: 'sc-msg-text' }, text);
  const author = safeRole === 'agent'
    ? el('span', { class: 'sc-msg-author' }, label)
    : srOnly(`${label}: `);
  const row = el('div', { class: `sc-msg sc-msg-${safeRole}`, 'data-role': safeRole },
    author,
    el('div', { class: 'sc-bubble' }, textNode),
  );
  if (id !== null && id !== undefined) row.dataset.id = String(id);
  if (clientId) row.dataset.clientId = clientId;
  return row;
}

export function setMessageText(row, text) {
  row.querySelector('.sc-msg-text').textContent = text;
}

/** The "Assistant is typing" row: three decorative dots plus text for screen readers. */
export function typingView() {
  return el('div', { class: 'sc-typing', hidden: true },
    el('span', { class: 'sc-typing-dots', 'aria-hidden': 'true' },
      el('span', { class: 'sc-dot' }), el('span', { class: 'sc-dot' }), el('span', { class: 'sc-dot' })),
    srOnly('Assistant is typing'),
  );
}

/**
 * Alerts live in `slot`: show() inserts a fresh role="alert" element (inserting one with its text
 * is what screen readers announce most reliably) and hide() removes it.
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

let uid = 0;
/** A page-unique element id with the widget prefix. */
export function uniqueId(name) {
  uid += 1;
  return `sc-${name}-${uid}`;
}
