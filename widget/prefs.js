/* The panel's theme and language: the visitor's choice (kept in storage), else what their
   messages, their browser and the business say. */

import * as i18n from './i18n.js';
import * as storage from './storage.js';

// Storage keys (sc-language, sc-theme): the visitor's own choices, which win over everything.
const LANGUAGE_KEY = 'language';
const THEME_KEY = 'theme';

/** The language the visitor picked in the menu, if the widget speaks it. */
export function chosenLanguage() {
  return i18n.supported(storage.get(LANGUAGE_KEY)) || undefined;
}

export class Preferences {
  /**
   * root: the widget's root element (its data-theme); themeButton: its aria-pressed follows;
   * defaultLanguage(): the business's; onLanguage(lang): show the panel in lang, once its
   * strings are in use (English when the wanted ones cannot be had).
   */
  constructor({ root, themeButton, defaultLanguage, onLanguage }) {
    this.root = root;
    this.themeButton = themeButton;
    this.defaultLanguage = defaultLanguage;
    this.onLanguage = onLanguage;
    this.detectedLanguage = null; // the latest one the server found in the visitor's messages
    this.lang = 'en';
    this.wanted = null;
    this.applying = null;
    this.darkQuery = window.matchMedia('(prefers-color-scheme: dark)');
    this.darkQuery.addEventListener('change', () => this.applyTheme());
    this.applyTheme();
  }

  /** The visitor's choice or else the system's light or dark scheme. */
  applyTheme() {
    const dark = (storage.get(THEME_KEY) || (this.darkQuery.matches ? 'dark' : 'light')) === 'dark';
    this.root.dataset.theme = dark ? 'dark' : 'light';
    this.themeButton.setAttribute('aria-pressed', String(dark));
  }

  toggleTheme() {
    storage.set(THEME_KEY, this.root.dataset.theme === 'dark' ? 'light' : 'dark');
    this.applyTheme();
  }

  /** The visitor's choice > detected in their messages > the browser's > the business default. */
  wantedLanguage() {
    const browser = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language];
    for (const tag of [storage.get(LANGUAGE_KEY), this.detectedLanguage, ...browser, this.defaultLanguage()]) {
      const code = i18n.supported(tag);
      if (code) return code;
    }
    return 'en';
  }

  applyLanguage() {
    this.applying = this.showLanguage();
    return this.applying;
  }

  /** Resolves once the latest change of language is done. */
  async languageSettled() {
    let done;
    while (done !== this.applying) await (done = this.applying);
  }

  async showLanguage() {
    const wanted = (this.wanted = this.wantedLanguage());
    const found = await i18n.load(wanted);
    if (this.wanted !== wanted) return; // a later change won
    i18n.use(found);
    this.lang = found ? wanted : 'en';
    this.onLanguage(this.lang);
  }

  /** The visitor's pick in the menu. */
  choose(lang) {
    storage.set(LANGUAGE_KEY, lang);
    return this.applyLanguage();
  }

  /** A language the server found in the visitor's messages. */
  detected(lang) {
    if (!lang || lang === this.detectedLanguage) return;
    this.detectedLanguage = lang;
    this.applyLanguage();
  }
}
