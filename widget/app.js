// The chat panel. loader.js imports this module on first open and calls mount(). This module owns
// the panel and the conversation's life cycle; outbox.js queues and sends visitor messages, log.js
// renders messages, api.js knows the endpoints, contact.js is the contact form.

import { ChatApi, GONE, describeError } from './api.js';
import { contactView } from './contact.js';
import { MessageLog } from './log.js';
import { Outbox } from './outbox.js';
import * as storage from './storage.js';
import { ICON_CLOSE, alertController, el, icon, uniqueId } from './ui.js';

// How long a reply that came back in the POST response may wait for the stream before it is shown.
const REPLY_FALLBACK_MS = 1500;
const INPUT_MAX_PX = 120;
const CONFIG_WAIT_MS = 3000;
const DEFAULT_NAME = 'Support';
const GONE_NOTICE = 'This conversation is no longer available, so a new one has started.';

/** The host page without its query string and fragment, which can carry personal data. */
function pageAddress() {
  const { origin, pathname } = window.location;
  return origin && origin !== 'null' ? `${origin}${pathname}`.slice(0, 2048) : '';
}

/**
 * FAQ autocomplete: `input` becomes a WAI-ARIA combobox over api.suggestions(q) (focus stays in
 * it); pick(question) sends one. Returns {node, update(), keydown(event), close()}: update() runs on
 * input, keydown() returns true when it handled the key, close() runs on send. Failures are silent.
 */
function suggestBox(api, input, pick) {
  let timer;
  let pending = null; // the latest request; answers to older ones are dropped
  let active = -1;
  const list = el('div', {
    id: uniqueId('suggestions'), class: 'sc-suggestions', role: 'listbox', 'aria-label': 'Suggested questions', hidden: true,
    onmousedown: (event) => event.preventDefault(), // no blur, so the click lands
  });
  const attr = (name, value) => input.setAttribute(name, value);
  attr('role', 'combobox');
  attr('aria-autocomplete', 'list');
  attr('aria-controls', list.id);

  const setActive = (index) => {
    active = index;
    [...list.children].forEach((option, i) => option.setAttribute('aria-selected', i === index));
    const option = list.children[index];
    if (!option) return input.removeAttribute('aria-activedescendant');
    attr('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  };

  const show = (questions) => {
    list.replaceChildren(...questions.map((question) => el('div', {
      id: uniqueId('suggestion'), class: 'sc-suggestion', role: 'option', onclick: () => choose(question),
    }, question)));
    setActive(-1);
    list.hidden = !questions.length;
    attr('aria-expanded', !list.hidden);
  };

  const close = () => {
    clearTimeout(timer);
    if (pending) pending.abort();
    pending = null;
    show([]);
  };

  const choose = (question) => {
    close();
    pick(question);
  };

  const update = () => {
    clearTimeout(timer);
    const q = input.value.trim().slice(0, 200);
    if (q.length < 2) return close();
    timer = setTimeout(async () => {
      if (pending) pending.abort();
      const request = (pending = new AbortController());
      const found = await api.suggestions(q, request.signal).catch(() => []);
      if (pending !== request) return; // a newer query, a send or a close came first
      pending = null;
      const questions = found.map((s) => s && s.question).filter((s) => typeof s === 'string');
      show(document.activeElement === input ? questions.slice(0, 5) : []);
    }, 150);
  };

  const keydown = (event) => {
    const { key } = event;
    const count = list.children.length;
    if (!count || event.isComposing) return false;
    if (key === 'ArrowDown') setActive((active + 1) % count);
    else if (key === 'ArrowUp') setActive((active < 1 ? count : active) - 1);
    else if (key === 'Escape') {
      close();
      event.stopPropagation(); // this Escape closes the list, the next one the panel
    } else if (key === 'Enter' && !event.shiftKey && active >= 0) choose(list.children[active].textContent);
    else return false;
    event.preventDefault();
    return true;
  };

  close();
  input.addEventListener('blur', close);
  return { node: list, update, keydown, close };
}

class ChatPanel {
  constructor({ server, root, panelId, close }) {
    this.api = new ChatApi(server);
    this.requestClose = close;
    this.configGreeting = '';
    this.stream = null;
    this.ready = null;
    this.generation = 0; // counts restarts, so a late reply of the old conversation is not shown
    this.build(root, panelId);
    this.outbox = new Outbox({
      api: this.api,
      log: this.log,
      alerts: this.alerts,
      connect: () => this.ensureConversation(),
      restart: () => {
        this.restartConversation();
        this.alerts.show(GONE_NOTICE);
      },
      reply: (reply) => this.awaitReply(reply),
      giveBack: (texts) => {
        this.input.value = [...texts, this.input.value].filter(Boolean).join('\n');
        this.autosize();
      },
    });
  }

  build(root, panelId) {
    this.title = el('h2', { class: 'sc-title' }, DEFAULT_NAME);
    const closeButton = el('button', {
      type: 'button', class: 'sc-close', 'aria-label': 'Close chat', onclick: () => this.requestClose(),
    }, icon(ICON_CLOSE));
    const alertSlot = el('div', { class: 'sc-alerts' });
    this.alerts = alertController(alertSlot);

    this.log = new MessageLog({
      onQuickReply: (text) => this.outbox.sendText(text),
      onContact: () => this.showContact(),
      onRetry: () => {
        this.input.focus(); // the Retry button goes away while sending
        this.outbox.flush();
      },
    });

    this.input = el('textarea', {
      class: 'sc-input', rows: '1', 'aria-label': 'Type your message', placeholder: 'Type your message…',
    });
    // A picked FAQ question is sent as if typed.
    this.suggest = suggestBox(this.api, this.input, (question) => {
      this.input.value = question;
      this.submitInput();
    });
    this.input.addEventListener('keydown', (event) => {
      if (this.suggest.keydown(event)) return;
      // keyCode 229: Enter that confirms an IME composition, not a send.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.submitInput();
      }
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.suggest.update();
    });
    const composer = el('form', { class: 'sc-composer' },
      this.suggest.node,
      this.input,
      el('button', { type: 'submit', class: 'sc-button sc-button-primary sc-send' }, 'Send'));
    composer.addEventListener('submit', (event) => {
      event.preventDefault();
      this.submitInput();
    });
    this.chatView = el('div', { class: 'sc-chat' }, this.log.node, composer);

    this.contact = contactView({ api: this.api, alerts: this.alerts, onBack: () => this.showChat() });

    this.panel = el('div', {
      id: panelId, class: 'sc-panel', role: 'dialog', 'aria-label': `Chat with ${DEFAULT_NAME}`, hidden: true,
    },
    el('div', { class: 'sc-header' }, this.title, closeButton),
    alertSlot,
    this.chatView,
    this.contact.node);
    this.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !event.isComposing) {
        event.preventDefault();
        this.requestClose();
      }
    });
    root.append(this.panel);
  }

  /** Load the business settings; the panel still works with defaults when this fails. */
  async loadConfig() {
    let config = {};
    try {
      config = await this.api.config();
    } catch {
      config = {};
    }
    const name = typeof config.business_name === 'string' && config.business_name.trim() ? config.business_name.trim() : DEFAULT_NAME;
    this.title.textContent = name;
    this.panel.setAttribute('aria-label', `Chat with ${name}`);
    this.configGreeting = typeof config.greeting === 'string' ? config.greeting : '';
    return config;
  }

  show() {
    this.panel.hidden = false;
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
      try {
        const history = await this.api.history();
        this.log.showGreeting(this.configGreeting);
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
    const data = await this.api.startConversation({ pageUrl: pageAddress(), previousToken });
    storage.saveConversation(data);
    this.log.showGreeting(typeof data.greeting === 'string' ? data.greeting : this.configGreeting);
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
    this.alerts.show(GONE_NOTICE);
    const next = this.outbox.size ? this.outbox.flush() : this.ensureConversation();
    next.catch((err) => this.alerts.show(describeError(err)));
  }

  // ----- sending ------------------------------------------------------------------------------

  autosize() {
    this.input.style.height = 'auto';
    this.input.style.height = `${Math.min(this.input.scrollHeight, INPUT_MAX_PX)}px`;
  }

  async submitInput() {
    const text = this.input.value;
    if (!text.trim()) return;
    this.suggest.close();
    this.input.value = '';
    this.autosize();
    await this.outbox.sendText(text);
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
 * fill in the colour and position the embed snippet left out. Returns {show(), hide()}.
 */
export async function mount(ctx) {
  const panel = new ChatPanel(ctx);
  const configured = panel.loadConfig().then((config) => {
    if (typeof ctx.apply === 'function') ctx.apply(config);
  });
  // Open with the business name when it comes quickly, but never keep a slow server's visitor waiting.
  await Promise.race([configured, new Promise((resolve) => setTimeout(resolve, CONFIG_WAIT_MS))]);
  return {
    show: () => panel.show(),
    hide: () => panel.hide(),
  };
}
