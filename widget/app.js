// The chat panel. loader.js imports this module on first open and calls mount(). This module owns
// the panel and the conversation's life cycle; outbox.js queues and sends visitor messages, log.js
// renders messages, api.js knows the endpoints, contact.js is the contact form, suggest.js the FAQ
// autocomplete, i18n.js the words.

import { GONE, PanelApi, describeError } from './api.js';
import { contactView } from './contact.js';
import * as i18n from './i18n.js';
import { MessageLog } from './log.js';
import { Outbox } from './outbox.js';
import { Preferences, chosenLanguage } from './prefs.js';
import * as storage from './storage.js';
import { composer } from './suggest.js';
import { ICON_CLOSE, ICON_MOON, ICON_SUN, alertController, el, icon, uniqueId } from './ui.js';

const { t } = i18n;
// How long a reply that came back in the POST response may wait for the stream before it is shown.
const REPLY_FALLBACK_MS = 1500;
const CONFIG_WAIT_MS = 3000;
const DEFAULT_NAME = 'Support';
const STATUS_MAX_AGE_MS = 60000; // then showing the panel asks again whether the business is open

/** The host page without its query string and fragment, which can carry personal data. */
function pageAddress() {
  const { origin, pathname } = window.location;
  return origin && origin !== 'null' ? `${origin}${pathname}`.slice(0, 2048) : '';
}

/** The header's open/away line from /api/config; '' (no line) when the business has set no hours. */
function statusText(config, lang) {
  const { hours, open_now: open, next_opening: next } = config || {};
  if (typeof open !== 'boolean' || !hours || !Object.keys(hours).length) return '';
  if (open) return t('online');
  // The owner's wall clock, read off the ISO string (it carries the business's offset), not the visitor's.
  const m = /^(\d{4})-(\d\d)-(\d\d)T(\d\d:\d\d)/.exec(String(next));
  if (!m) return t('away');
  const day = new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(+m[1], m[2] - 1, +m[3]));
  return t('awayUntil', { day, time: m[4] });
}

class ChatPanel {
  constructor({ server, root, panelId, close }) {
    this.api = new PanelApi(server, (lang) => this.prefs.detected(lang));
    this.root = root;
    this.requestClose = close;
    this.config = {};
    this.name = DEFAULT_NAME;
    this.configGreeting = '';
    this.statusAt = Date.now(); // when the status line's config was asked for
    this.stream = null;
    this.ready = null;
    this.generation = 0; // counts restarts, so a late reply of the old conversation is not shown
    this.build(root, panelId);
    this.prefs = new Preferences({
      root,
      themeButton: this.themeButton,
      defaultLanguage: () => this.config.default_language,
      onLanguage: (lang) => this.showLanguage(lang),
    });
    this.outbox = new Outbox({
      api: this.api,
      log: this.log,
      alerts: this.alerts,
      connect: () => this.ensureConversation(),
      restart: () => {
        this.restartConversation();
        this.alerts.show(i18n.EN.gone);
      },
      reply: (reply) => this.awaitReply(reply),
      giveBack: (texts) => {
        this.input.value = [...texts, this.input.value].filter(Boolean).join(' ');
      },
    });
  }

  build(root, panelId) {
    this.title = el('h2', { class: 'sc-title', dir: 'auto' }, DEFAULT_NAME); // the name's own direction
    this.status = el('p', { class: 'sc-status', id: uniqueId('status'), hidden: true });
    const closeButton = el('button', {
      type: 'button', class: 'sc-icon sc-close', ta: 'aria-label=close', onclick: () => this.requestClose(),
    }, icon(ICON_CLOSE));
    // Moon in the light theme, sun in the dark one; aria-pressed says which is on.
    this.themeButton = el('button', {
      type: 'button', class: 'sc-icon sc-theme', ta: 'aria-label=theme', onclick: () => this.prefs.toggleTheme(),
    }, icon(ICON_MOON, 20, 'sc-i-moon'), icon(ICON_SUN, 20, 'sc-i-sun'));
    this.languageMenu = el('select', {
      class: 'sc-language', ta: 'aria-label=language', onchange: () => this.chooseLanguage(this.languageMenu.value),
    }, Object.entries(i18n.LANGUAGES).map(([code, name]) => el('option', { value: code, lang: code }, name)));
    const alertSlot = el('div', { class: 'sc-alerts' });
    const alerts = alertController(alertSlot);
    // Alerts raised in English by other modules, shown in the visitor's language.
    this.alerts = {
      show: (message) => alerts.show(i18n.localize(String(message)).map((part) => (
        typeof part === 'string' ? part : el('span', { lang: part.lang }, part.text)))),
      hide: () => alerts.hide(),
    };
    this.launcher = root.querySelector('.sc-launcher'); // the loader's, translated too
    if (this.launcher) this.launcher.dataset.ta = 'aria-label=open';

    this.log = new MessageLog({
      onQuickReply: (text) => this.outbox.sendText(text),
      onContact: () => this.showContact(),
      onRetry: () => {
        this.input.focus(); // the Retry button goes away while sending
        this.outbox.flush();
      },
    });

    // Enter, Send or a picked FAQ question (suggest.js).
    this.composer = composer({ api: this.api, lang: () => this.log.contentLang, onSend: () => this.submitInput() });
    this.input = this.composer.input;
    this.chatView = el('div', { class: 'sc-chat' }, this.log.node, this.composer.node);

    this.contact = contactView({ api: this.api, alerts: this.alerts, onBack: () => this.showChat() });

    // Modal: Tab stays inside until Escape or the close button.
    this.panel = el('div', {
      id: panelId, class: 'sc-panel', role: 'dialog', 'aria-modal': 'true', hidden: true, lang: 'en', dir: 'ltr',
      'aria-describedby': this.status.id, // announced with the name when the panel opens
    },
    el('div', { class: 'sc-header' },
      el('div', { class: 'sc-heading' }, this.title, this.status), this.languageMenu, this.themeButton, closeButton),
    alertSlot,
    this.chatView,
    this.contact.node);
    this.showName();
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.isComposing) {
        event.preventDefault();
        this.requestClose();
      } else if (event.key === 'Tab') this.trapFocus(event);
    });
    root.append(this.panel);
  }

  /** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
  trapFocus(event) {
    const controls = [...this.panel.querySelectorAll('a[href], button, input, select, textarea, [tabindex="0"]')]
      .filter((node) => !node.disabled && node.getClientRects().length);
    const first = controls[0];
    const last = controls[controls.length - 1];
    const at = document.activeElement;
    if (event.shiftKey ? at === first : at === last) {
      event.preventDefault();
      (event.shiftKey ? last : first).focus();
    }
  }

  // ----- language -----------------------------------------------------------------------------

  /** Show the panel in `lang` (its strings are in use: prefs.js). */
  showLanguage(lang) {
    this.panel.lang = lang;
    this.panel.dir = i18n.dir(lang);
    if (this.launcher) this.launcher.lang = lang;
    this.languageMenu.value = lang;
    i18n.translateAll(this.root);
    this.showName();
    this.showStatus();
  }

  /** The visitor's pick in the menu, also recorded on the conversation (a failure changes nothing here). */
  chooseLanguage(lang) {
    this.prefs.choose(lang);
    if (this.api.session) this.api.setLanguage(lang).catch(() => {});
  }

  /** Load the business settings; the panel still works with defaults when this fails. */
  async loadConfig() {
    let config = {};
    try {
      config = await this.api.config();
    } catch {
      config = {};
    }
    this.useConfig(config);
    this.name = typeof config.business_name === 'string' && config.business_name.trim() ? config.business_name.trim() : DEFAULT_NAME;
    this.showName();
    this.configGreeting = typeof config.greeting === 'string' ? config.greeting : '';
    // The greeting and bot answers are in the business's language: marked so.
    const lang = config.default_language;
    this.log.contentLang = typeof lang === 'string' && /^[a-z]{2,3}(-[\w-]+)?$/i.test(lang) ? lang : null;
    this.showStatus();
    this.showQuickActions(); // the greeting may already show (a slow server)
    return config;
  }

  useConfig(config) {
    this.config = config;
    this.log.wait = config.estimated_wait && typeof config.estimated_wait === 'object' ? config.estimated_wait : null;
  }

  /** While the business is closed, the owner's after-hours quick actions under the greeting. */
  showQuickActions() {
    const { open_now: open, quick_actions: actions } = this.config;
    const buttons = open === false && actions && Array.isArray(actions.after_hours) ? actions.after_hours : [];
    if (buttons.length) this.log.greetingRich([{ type: 'buttons', buttons }]);
  }

  showName() {
    this.title.textContent = this.name;
    this.panel.setAttribute('aria-label', t('chatWith', { name: this.name }));
  }

  showStatus() {
    this.status.textContent = statusText(this.config, this.prefs.lang);
    this.status.hidden = !this.status.textContent;
  }

  /** A panel reopened later (a tab left open overnight) must not say "away" once open. */
  refreshStatus() {
    if (Date.now() - this.statusAt < STATUS_MAX_AGE_MS) return;
    this.statusAt = Date.now();
    this.api.config().then((config) => {
      this.useConfig(config);
      this.showStatus();
    }, () => {}); // failed: keep the last line
  }

  show() {
    this.panel.hidden = false;
    this.refreshStatus();
    this.ensureConversation().catch((err) => this.alerts.show(describeError(err)));
    if (this.chatView.hidden) this.contact.focus();
    else this.input.focus();
    this.log.scrollToBottom();
  }

  hide() {
    this.panel.hidden = true;
  }

  // ----- conversation life cycle --------------------------------------------------------------

  /** Restore or start the conversation once; a failed attempt is retried on the next call. */
  ensureConversation() {
    if (!this.ready) {
      this.log.node.setAttribute('aria-busy', 'true');
      this.ready = this.startConversation()
        .catch((err) => {
          this.ready = null;
          throw err;
        })
        .finally(() => this.log.node.removeAttribute('aria-busy'));
    }
    return this.ready;
  }

  async startConversation() {
    const stored = storage.loadConversation();
    let previousToken = null;
    if (stored) {
      this.api.setSession(stored);
      const unskeleton = this.log.showSkeleton();
      try {
        const history = await this.api.history().finally(unskeleton);
        if (['detected', 'manual'].includes(history.language_source)) this.prefs.detected(history.language);
        this.log.human = history.status === 'human';
        this.log.showGreeting(this.configGreeting);
        this.showQuickActions();
        const messages = Array.isArray(history.messages) ? history.messages : [];
        for (const message of messages) this.showMessage(message);
        this.openStream(messages.reduce((last, m) => Math.max(last, Number(m.id) || 0), 0));
        return;
      } catch (err) {
        if (!GONE.has(err.status)) throw err;
        storage.clearConversation();
        this.api.setSession(null);
        // A missing conversation still has a visitor token worth keeping; a refused one does not.
        if (err.status === 404) previousToken = stored.visitor_token;
      }
    }
    const language = chosenLanguage();
    const data = await this.api.startConversation({ language, pageUrl: pageAddress(), previousToken });
    storage.saveConversation(data);
    this.log.showGreeting(typeof data.greeting === 'string' ? data.greeting : this.configGreeting);
    this.showQuickActions();
    // after=0 catches up on anything stored before the stream connects (e.g. a quick first reply).
    this.openStream(0);
  }

  openStream(after) {
    if (this.stream) this.stream.close();
    const { conversation_id: cid, visitor_token: token } = this.api.session;
    this.stream = this.api.openStream(cid, token, after, {
      onToken: (data) => this.log.token(data),
      onMessage: (message) => this.showMessage(message),
      onGone: () => this.conversationGone(),
    });
  }

  /** A stored message from history or the stream; a visitor message in it leaves the outbox. */
  showMessage(message) {
    if (message && message.role === 'visitor' && message.client_id) this.outbox.confirm(message.client_id);
    this.log.upsert(message);
  }

  /**
   * Drop the current conversation from the panel; the next ensureConversation() re-checks the
   * stored one (history answers 401/403/404 -> a new conversation). Unsent messages stay queued.
   */
  restartConversation() {
    if (this.stream) this.stream.close();
    this.stream = null;
    this.ready = null;
    this.generation += 1;
    this.log.reset();
    this.outbox.requeue();
  }

  /** The stream can never succeed again (expired token, conversation gone): start a new one. */
  conversationGone() {
    this.restartConversation();
    this.alerts.show(i18n.EN.gone);
    const next = this.outbox.size ? this.outbox.flush() : this.ensureConversation();
    next.catch((err) => this.alerts.show(describeError(err)));
  }

  // ----- sending ------------------------------------------------------------------------------

  async submitInput() {
    const text = this.composer.take();
    if (text) await this.outbox.sendText(text);
  }

  /**
   * Show a reply from the POST response unless the stream delivers it first; a reply that is
   * still arriving token by token gets more time as long as chunks keep coming.
   */
  awaitReply(reply) {
    const id = Number(reply.id);
    const generation = this.generation;
    const check = (delay) => setTimeout(() => {
      if (this.log.isFinal(id) || generation !== this.generation) return;
      const quiet = this.log.quietFor(id);
      if (quiet < REPLY_FALLBACK_MS) check(REPLY_FALLBACK_MS - quiet);
      else this.log.upsert(reply);
    }, delay);
    if (!this.log.isFinal(id)) check(REPLY_FALLBACK_MS);
  }

  /** A proactive trigger's message (loader.js): the assistant speaks first, after what is shown. */
  async prompt(text) {
    try {
      await this.ensureConversation();
    } catch {
      // shown by show(); the message still makes sense without a conversation
    }
    this.log.addLocal(text);
  }

  // ----- views --------------------------------------------------------------------------------

  showContact() {
    this.alerts.hide();
    this.chatView.hidden = true;
    this.contact.open();
  }

  showChat() {
    this.alerts.hide();
    this.contact.node.hidden = true;
    this.chatView.hidden = false;
    this.log.scrollToBottom();
    this.input.focus();
  }
}

/**
 * Build the panel inside ctx.root. ctx = {server, root, panelId, close, apply}: close() is the
 * loader's (it updates the launcher and returns focus); apply(config) lets the business settings
 * fill in the colour and position the embed snippet left out. Returns {show(), hide(), prompt(text)}
 * (prompt shows a proactive trigger's message).
 */
export async function mount(ctx) {
  const panel = new ChatPanel(ctx);
  panel.prefs.applyLanguage(); // the visitor's or browser's needs no settings
  const configured = panel.loadConfig().then((config) => {
    if (typeof ctx.apply === 'function') ctx.apply(config);
    return panel.prefs.applyLanguage(); // the business default may be the one
  });
  // Open with the business name and the visitor's language when they come quickly, but never keep
  // a slow server's visitor waiting.
  await Promise.race([
    configured.then(() => panel.prefs.languageSettled()),
    new Promise((resolve) => setTimeout(resolve, CONFIG_WAIT_MS)),
  ]);
  return {
    show: () => panel.show(),
    hide: () => panel.hide(),
    prompt: (text) => panel.prompt(text),
  };
}
