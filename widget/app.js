// The chat panel. loader.js imports this module on first open and calls mount(). This module owns
// the panel and the conversation's life cycle; header.js is its header, outbox.js queues and sends
// visitor messages, log.js renders messages, api.js knows the endpoints, contact.js is the contact
// form (loaded when first opened), suggest.js the FAQ autocomplete, i18n.js the words.

import { GONE, PanelApi, describeError } from './api.js';
import { DEFAULT_NAME, cleanName, headerView } from './header.js';
import * as i18n from './i18n.js';
import { MessageLog } from './log.js';
import { Outbox } from './outbox.js';
import { Preferences, chosenLanguage } from './prefs.js';
import * as storage from './storage.js';
import { composer } from './suggest.js';
import { alertController, el, trapFocus } from './ui.js';

const { t } = i18n;
const CONFIG_WAIT_MS = 3000;
const STATUS_MAX_AGE_MS = 60000; // then showing the panel asks again whether the business is open

class ChatPanel {
  constructor({ server, root, panelId, close, name, config, configAt, visitorKey, choose, chosen }) {
    this.api = new PanelApi(server, (lang) => this.prefs.detected(lang), visitorKey);
    this.choose = choose; // the loader's: keeps the visitor's answer about telemetry
    this.chosen = chosen || (() => '0'); // '0', '1', 'ok', or undefined before any answer
    this.root = root;
    this.requestClose = close;
    this.config = {};
    this.pageName = cleanName(name); // the /chat page carries the name: known offline too
    this.name = this.pageName || DEFAULT_NAME;
    this.configGreeting = '';
    this.loaderConfig = config; // the loader's /api/config answer (a promise), asked for once
    this.statusAt = configAt || Date.now(); // when the status line's config was asked for
    this.stream = null;
    this.ready = null; // the stored conversation shown (or none there), once per conversation
    this.starting = null; // a conversation being started for the visitor's first message
    this.previousToken = null; // the visitor of a conversation the server no longer has
    this.contact = null; // the contact form (a promise of it), made the first time it is opened
    this.privacy = null; // "Your data" (a promise of it), likewise
    this.whatsapp = null; // "Continue on WhatsApp" (a promise of it), likewise
    this.openView = null; // the one of them in place of the chat, when the chat is hidden
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
      giveBack: (texts) => {
        this.input.value = [...texts, this.input.value].filter(Boolean).join(' ');
      },
    });
  }

  build(root, panelId) {
    this.header = headerView({
      close: () => this.requestClose(),
      toggleTheme: () => this.prefs.toggleTheme(),
      chooseLanguage: (lang) => this.chooseLanguage(lang),
    });
    this.themeButton = this.header.themeButton;
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
      onQuickReply: (text) => {
        const sent = this.outbox.sendText(text);
        // A suggested question's buttons go once it is asked: the focus they had stays in the panel.
        if (!this.panel.contains(document.activeElement)) this.input.focus();
        return sent;
      },
      onRate: (id, rating, comment) => this.api.feedback(id, rating, comment),
      onContact: () => this.showContact(),
      onRetry: () => {
        this.input.focus(); // the Retry button goes away while sending
        this.outbox.flush();
      },
    });

    // Enter, Send or a picked FAQ question (suggest.js).
    this.composer = composer({ api: this.api, lang: () => this.log.contentLang, onSend: () => this.submitInput() });
    this.input = this.composer.input;
    const yourData = el('button', {
      type: 'button', class: 'sc-link sc-privacy-open', 'data-track': 'privacy.open', t: 'yourData', onclick: () => this.showPrivacy(),
    });
    // Shown once the site's configuration says WhatsApp is set up (useConfig).
    this.whatsappOpen = el('button', {
      type: 'button', class: 'sc-link sc-whatsapp-open', 'data-track': 'whatsapp.open', t: 'whatsapp', hidden: true, onclick: () => this.showWhatsApp(),
    });
    // The owner's telemetry setting, said or asked (showCounting).
    this.counting = el('p', { class: 'sc-counting', hidden: true });
    this.chatView = el('div', { class: 'sc-chat' }, this.log.node, this.composer.node, el('div', { class: 'sc-footer' }, this.counting, this.whatsappOpen, yourData));

    // Modal: Tab stays inside until Escape or the close button.
    this.panel = el('div', {
      id: panelId, class: 'sc-panel', role: 'dialog', 'aria-modal': 'true', hidden: true, lang: 'en', dir: 'ltr',
      'aria-describedby': this.header.status.id, // announced with the name when the panel opens
    },
    this.header.node,
    alertSlot,
    this.chatView);
    this.showName();
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.isComposing) {
        event.preventDefault();
        // From the contact form back to the chat; from the chat, the panel closes.
        if (this.chatView.hidden) this.showChat();
        else this.requestClose();
      } else if (event.key === 'Tab') trapFocus(this.panel, event);
    });
    root.append(this.panel);
  }

  // ----- language -----------------------------------------------------------------------------

  /** Show the panel in `lang` (its strings are in use: prefs.js). */
  showLanguage(lang) {
    this.panel.lang = lang;
    this.panel.dir = i18n.dir(lang);
    if (this.launcher) this.launcher.lang = lang;
    this.header.languageMenu.value = lang;
    i18n.translateAll(this.root);
    this.showName();
    this.showStatus();
    this.log.updateGreeting(...this.greeting());
  }

  /** [text, lang]: the default greeting in the panel's language when the server has it, else the owner's. */
  greeting() {
    const lang = this.prefs.lang;
    const { greetings } = this.config;
    const translated = greetings && typeof greetings[lang] === 'string' ? greetings[lang] : '';
    return translated ? [translated, lang] : [this.configGreeting, this.log.contentLang];
  }

  /** The visitor's pick in the menu, also recorded on the conversation (a failure changes nothing here). */
  chooseLanguage(lang) {
    this.prefs.choose(lang);
    if (this.api.session) this.api.setLanguage(lang).catch(() => {});
  }

  /** The business settings (the loader's answer, if any: asked for once); defaults on failure. */
  async loadConfig() {
    let config = await Promise.resolve(this.loaderConfig).catch(() => null);
    if (!config || typeof config !== 'object') {
      this.statusAt = Date.now();
      config = await this.api.config().catch(() => ({}));
    }
    this.useConfig(config);
    this.name = cleanName(config.business_name) || this.pageName || DEFAULT_NAME;
    this.showName();
    this.configGreeting = typeof config.greeting === 'string' ? config.greeting : '';
    // The greeting and bot answers are in the business's language: marked so.
    const lang = config.default_language;
    this.log.contentLang = typeof lang === 'string' && /^[a-z]{2,3}(-[\w-]+)?$/i.test(lang) ? lang : null;
    this.showStatus();
    if (this.ready) this.showGreeting(); // the panel may already show (a slow server)
    return config;
  }

  useConfig(config) {
    this.config = config;
    this.showCounting(config.telemetry);
    this.whatsappOpen.hidden = config.whatsapp !== true;
    this.log.wait = config.estimated_wait && typeof config.estimated_wait === 'object' ? config.estimated_wait : null;
  }

  /**
   * Telemetry "notice": the chat says it counts clicks, with OK and Don't count mine; "consent":
   * it asks first (Yes / No). Gone once the visitor has chosen, or when their browser says no.
   */
  showCounting(mode) {
    const asking = mode === 'consent';
    const chosen = this.chosen();
    const button = (key, answer) => el('button', {
      type: 'button', class: 'sc-link', 'data-track': `consent.${answer}`, t: key, onclick: () => {
        this.choose(answer);
        this.counting.hidden = true;
        this.input.focus();
      },
    });
    // The notice shows until it is answered; the question until a yes or a no (an OK to the
    // notice is no consent).
    this.counting.hidden = !(mode === 'notice' && !chosen || asking && (!chosen || chosen === 'ok'));
    this.counting.replaceChildren(
      el('span', { t: asking ? 'countAsk' : 'countNotice' }), ' ',
      button(asking ? 'countYes' : 'countOk', asking ? '1' : 'ok'), ' ',
      button(asking ? 'countNo' : 'countStop', '0'),
    );
  }

  /** While the business is closed, the owner's after-hours quick actions under the greeting. */
  showQuickActions() {
    const { open_now: open, quick_actions: actions } = this.config;
    const buttons = open === false && actions && Array.isArray(actions.after_hours) ? actions.after_hours : [];
    if (buttons.length) this.log.greetingRich([{ type: 'buttons', buttons }]);
  }

  showName() {
    this.header.showName(this.panel, this.name);
  }

  showStatus() {
    this.header.showStatus(this.config, this.prefs.lang);
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
    this.restore().catch((err) => this.alerts.show(describeError(err)));
    if (this.chatView.hidden) this.openView.then((view) => view.focus());
    else this.input.focus();
    this.log.scrollToBottom();
  }

  hide() {
    this.panel.hidden = true;
  }

  // ----- conversation life cycle --------------------------------------------------------------

  /**
   * Show the stored conversation (history, then its stream) or else the greeting, once (again after
   * a failure). Nothing is stored on the server until the visitor writes (ensureConversation).
   */
  restore() {
    if (!this.ready) {
      this.log.node.setAttribute('aria-busy', 'true');
      this.ready = this.restoreConversation()
        .catch((err) => {
          this.ready = null;
          throw err;
        })
        .finally(() => this.log.node.removeAttribute('aria-busy'));
    }
    return this.ready;
  }

  async restoreConversation() {
    const stored = storage.loadConversation();
    if (stored) {
      this.api.setSession(stored);
      const unskeleton = this.log.showSkeleton();
      try {
        const history = await this.api.history().finally(unskeleton);
        if (['detected', 'manual'].includes(history.language_source)) this.prefs.detected(history.language);
        this.log.human = history.status === 'human';
        this.showGreeting();
        const messages = Array.isArray(history.messages) ? history.messages : [];
        for (const message of messages) this.showMessage(message);
        this.openStream(messages.reduce((last, m) => Math.max(last, Number(m.id) || 0), 0));
        return;
      } catch (err) {
        if (!GONE.has(err.status)) throw err;
        storage.clearConversation();
        this.api.setSession(null);
        // A missing conversation still has a visitor token worth keeping; a refused one does not.
        if (err.status === 404) this.previousToken = stored.visitor_token;
      }
    }
    this.showGreeting();
  }

  showGreeting() {
    this.log.showGreeting(...this.greeting());
    this.showQuickActions();
  }

  /** The conversation to send into (outbox.js): the stored one, else one started now. */
  async ensureConversation() {
    await this.restore();
    if (this.api.session) return;
    if (!this.starting) {
      this.starting = this.startConversation().finally(() => {
        this.starting = null;
      });
    }
    await this.starting;
  }

  async startConversation() {
    const language = chosenLanguage();
    const data = await this.api.startConversation({ language, previousToken: this.previousToken });
    storage.saveConversation(data);
    this.previousToken = null;
    // after=0 catches up on anything stored before the stream connects (e.g. a quick first reply).
    this.openStream(0);
  }

  openStream(after) {
    if (this.stream) this.stream.close();
    const { conversation_id: cid, visitor_token: token } = this.api.session;
    this.stream = this.api.openStream(cid, token, after, {
      onToken: (data) => this.log.token(data),
      onMessage: (message) => this.showMessage(message),
      // The stream is back (on this server or, after a crash, another): resend what is held.
      onOpen: () => this.outbox.size && this.outbox.flush(),
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
    this.api.setSession(null); // restore() reads it back from storage
    this.log.reset();
    this.outbox.requeue();
  }

  /** The stream can never succeed again (expired token, conversation gone): start a new one. */
  conversationGone() {
    this.restartConversation();
    this.alerts.show(i18n.EN.gone);
    const next = this.outbox.size ? this.outbox.flush() : this.restore();
    next.catch((err) => this.alerts.show(describeError(err)));
  }

  // ----- sending ------------------------------------------------------------------------------

  async submitInput() {
    const text = this.composer.take();
    if (text) await this.outbox.sendText(text);
  }

  /** A proactive trigger's message (loader.js): the assistant speaks first, after what is shown. */
  async prompt(text) {
    try {
      await this.restore();
    } catch {
      // shown by show(); the message still makes sense without a conversation
    }
    this.log.addLocal(text);
  }

  // ----- views --------------------------------------------------------------------------------

  /** The contact form; contact.js loads the first time (a failure shows an alert, and is retried). */
  showContact() {
    this.alerts.hide();
    this.contact = this.contact || import('./contact.js').then(({ contactView }) => {
      const form = contactView({ api: this.api, alerts: this.alerts, onBack: () => this.showChat() });
      this.panel.append(form.node);
      return form;
    });
    this.openView = this.contact;
    this.contact.then((form) => {
      this.chatView.hidden = true;
      form.open();
    }, (err) => {
      this.contact = null;
      this.alerts.show(describeError(err));
    });
  }

  /** "Your data": download or delete what the chat holds about the visitor (privacy.js). */
  showPrivacy() {
    this.alerts.hide();
    this.hideViews();
    this.privacy = this.privacy || import('./privacy.js').then(({ privacyView }) => {
      const view = privacyView({
        api: this.api,
        alerts: this.alerts,
        onBack: () => this.showChat(),
        onErased: () => this.forgetVisitor(),
        emailLinks: () => this.config.email_links === true,
      });
      this.panel.append(view.node);
      return view;
    });
    this.openView = this.privacy;
    this.privacy.then((view) => {
      this.chatView.hidden = true;
      view.open();
    }, (err) => {
      this.privacy = null;
      this.alerts.show(describeError(err));
    });
  }

  /** "Continue on WhatsApp": the conversation moves to the visitor's WhatsApp (whatsapp.js). */
  showWhatsApp() {
    this.alerts.hide();
    this.hideViews();
    this.whatsapp = this.whatsapp || import('./whatsapp.js').then(({ whatsappView }) => {
      const view = whatsappView({ api: this.api, alerts: this.alerts, onBack: () => this.showChat() });
      this.panel.append(view.node);
      return view;
    });
    this.openView = this.whatsapp;
    this.whatsapp.then((view) => {
      this.chatView.hidden = true;
      view.open();
    }, (err) => {
      this.whatsapp = null;
      this.alerts.show(describeError(err));
    });
  }

  /** Hide the contact form, "Your data" and WhatsApp views (the chat shows, or another view). */
  hideViews() {
    for (const view of [this.contact, this.privacy, this.whatsapp]) {
      if (view) view.then((v) => { v.node.hidden = true; }, () => {});
    }
  }

  /** The visitor's data was deleted on the server: this browser forgets the conversation too. */
  forgetVisitor() {
    storage.clearConversation();
    this.previousToken = null;
    this.restartConversation();
  }

  showChat() {
    this.alerts.hide();
    this.hideViews();
    this.chatView.hidden = false;
    this.log.scrollToBottom();
    this.input.focus();
  }
}

/**
 * Build the panel inside ctx.root. ctx = {server, root, panelId, close, apply, config, configAt,
 * name}: close() is the loader's (it updates the launcher, returns focus); apply(config) fills in
 * the colour and side the snippet left out; config: the loader's /api/config answer (a promise;
 * null if it failed), asked at configAt; name: the business's when the page knows it (/chat).
 * Returns {show(), hide(), prompt(text)} (prompt shows a proactive trigger's message).
 */
export async function mount(ctx) {
  const panel = new ChatPanel(ctx);
  if (ctx.preview) (await import('./preview.js')).stage(panel, ctx.preview); // the admin's, {panel, theme}
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
