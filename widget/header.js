// The panel's header: the business's name, the open/away line under it, the language menu and the
// theme and close buttons. app.js owns the panel and tells the header what to show.

import * as i18n from './i18n.js';
import { ICON_CLOSE, ICON_MOON, ICON_SUN, el, icon, uniqueId } from './ui.js';

const { t } = i18n;
export const DEFAULT_NAME = 'Support';

/** A business name worth showing, or ''. */
export const cleanName = (name) => (typeof name === 'string' ? name.trim() : '');

/** The header's open/away line from /api/config; '' (no line) when the business has set no hours. */
export function statusText(config, lang) {
  const { hours, open_now: open, next_opening: next } = config || {};
  if (typeof open !== 'boolean' || !hours || !Object.keys(hours).length) return '';
  if (open) return t('online');
  // The owner's wall clock, read off the ISO string (it carries the business's offset), not the visitor's.
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d)/.exec(String(next));
  if (!m) return t('away');
  const day = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(+m[1], m[2] - 1, +m[3]));
  return t('awayUntil', { day, time: m[4] });
}

/**
 * The header of a panel. Callbacks: close(), toggleTheme(), chooseLanguage(code). Returns {node,
 * status, themeButton, languageMenu, showName(panel, name), showStatus(config, lang)}; showName
 * also names the dialog ("Chat with <name>").
 */
export function headerView({ close, toggleTheme, chooseLanguage }) {
  const title = el('h2', { class: 'sc-title', dir: 'auto' }, DEFAULT_NAME); // the name's own direction
  const status = el('p', { class: 'sc-status', id: uniqueId('status'), hidden: true });
  const closeButton = el('button', {
    type: 'button', class: 'sc-icon sc-close', 'data-track': 'close', ta: 'aria-label=close', onclick: () => close(),
  }, icon(ICON_CLOSE));
  // Moon in the light theme, sun in the dark one; aria-pressed says which is on.
  const themeButton = el('button', {
    type: 'button', class: 'sc-icon sc-theme', 'data-track': 'theme', ta: 'aria-label=theme', onclick: () => toggleTheme(),
  }, icon(ICON_MOON, 20, 'sc-i-moon'), icon(ICON_SUN, 20, 'sc-i-sun'));
  const languageMenu = el('select', {
    class: 'sc-language', 'data-track': 'language', ta: 'aria-label=language', onchange: () => chooseLanguage(languageMenu.value),
  }, Object.entries(i18n.LANGUAGES).map(([code, name]) => el('option', { value: code, lang: code }, name)));
  // The status line has a row of its own under the name and the controls (widget.css), so a long
  // "away until" in a narrow panel takes two lines, not four.
  const node = el('div', { class: 'sc-header' },
    el('div', { class: 'sc-heading' }, title), languageMenu, themeButton, closeButton, status);
  return {
    node,
    status,
    themeButton,
    languageMenu,
    showName(panel, name) {
      title.textContent = name;
      panel.setAttribute('aria-label', t('chatWith', { name }));
    },
    showStatus(config, lang) {
      status.textContent = statusText(config, lang);
      status.hidden = !status.textContent;
    },
  };
}
