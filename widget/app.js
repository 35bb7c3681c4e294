// The chat panel. loader.js imports this module on first open and calls mount(). This module owns
// the panel, the conversation's life cycle and sending; log.js renders messages, api.js knows the
// endpoints, contact.js is the contact form.

import { ApiError, ChatApi, GONE, describeError } from './api.js';
import { contactView } from './contact.js';
import { MessageLog } from './log.js';
import * as storage from './storage.js';
import { ICON_CLOSE, alertController, el, icon } from './ui.js';

// How long a reply that came back in the POST response may wait for the stream before it is shown.
const REPLY_FALLBACK_MS = 1500;
const INPUT_MAX_PX = 120;
const CONFIG_WAIT_MS = 3000;
const DEFAULT_NAME = 'Support';
// A batch request holds at most this many messages and stays under the server's 64 KiB body limit.
const BATCH_MAX = 20;
const BATCH_MAX_BYTES = 60000;
const GONE_NOTICE = 'This conversation is no longer available, so a new one has started.';

const utf8 = new TextEncoder();

function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}

/** The host page without its query string and fragment, which can carry personal data. */
function pageAddress() {
  const { origin, pathname } = window.location;
  return origin && origin !== 'null' ? `${origin}${pathname}`.slice(0, 2048) : '';
}

/**
 * A failed send the server may not have answered (network error, timeout, 5xx): it may even have
 * stored the message, so the message is kept and retried with the same client_id, never re-minted.
 */
function retryable(err) {
  const status = err && typeof err.status === 'number' ? err.status : 0;
  return status === 0 || status >= 500;
}

function wire(item) {
  return { text: item.text, client_id: item.clientId };
}

class ChatPanel {
  constructor({ server, root, panelId, close }) {
    this.api = new ChatApi(server);
    this.requestClose = close;
    this.configGreeting = '';
    this.stream = null;
    this.ready = null;
    // Visitor messages the server has not confirmed, oldest first: {text, clientId, maybeStored}.
    // maybeStored: an earlier attempt failed without an answer, so the server may hold it already.
    this.outbox = [];
    this.flushing = null;
    this.generation = 0; // counts restarts, so a late reply of the old conversation is not shown
    this.build(root, panelId);
    window.addEventListener('online', () => {
      if (this.outbox.length) this.flush();
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
      onQuickReply: (text) => this.sendText(text),
      onContact: () => this.showContact(),
      onRetry: () => {
        this.input.focus(); // the Retry button goes away while sending
        this.flush();
      },
    });

    this.input = el('textarea', {
      class: 'sc-input', rows: '1', 'aria-label': 'Type your message', placeholder: 'Type your message…',
    });
    this.input.addEventListener('keydown', (event) => {
      // keyCode 229: Enter that confirms an IME composition, not a send.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        this.submitInput();
      }
    });
    this.input.addEventListener('input', () => this.autosize());
    const composer = el('form', { class: 'sc-composer' },
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
    if (message && message.role === 'visitor' && message.client_id) {
      this.outbox = this.outbox.filter((item) => item.clientId !== message.client_id);
    }
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
    for (const item of this.outbox) {
      item.maybeStored = false; // nothing of it is stored in the next conversation
      this.log.addPending(item.text, item.clientId);
    }
  }

  /** The stream can never succeed again (expired token, conversation gone): start a new one. */
  conversationGone() {
    this.restartConversation();
    this.alerts.show(GONE_NOTICE);
    const next = this.outbox.length ? this.flush() : this.ensureConversation();
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
    this.input.value = '';
    this.autosize();
    await this.sendText(text);
  }

  /** Queue one visitor message and send it after any that are still unsent. */
  sendText(rawText) {
    const text = String(rawText).trim();
    if (!text) return Promise.resolve();
    const item = { text, clientId: newClientId(), maybeStored: false };
    this.outbox.push(item);
    this.log.addPending(text, item.clientId);
    return this.flush();
  }

  /** Send the outbox; one request at a time, so the server stores messages in the order typed. */
  flush() {
    if (!this.flushing) this.flushing = this.drain().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** The oldest unsent messages that fit in one request (just the oldest when `single`). */
  nextChunk(single) {
    const chunk = [this.outbox[0]];
    let bytes = utf8.encode(JSON.stringify(wire(this.outbox[0]))).length;
    for (const item of single ? [] : this.outbox.slice(1, BATCH_MAX)) {
      bytes += utf8.encode(JSON.stringify(wire(item))).length + 1;
      if (bytes > BATCH_MAX_BYTES) break;
      chunk.push(item);
    }
    return chunk;
  }

  async drain() {
    let single = false; // the server refused a batch: send one by one to find the message it refuses
    let restarted = false;
    let refused = false; // an error shown for a refused message stays while the rest go out
    while (this.outbox.length) {
      const items = this.nextChunk(single);
      for (const item of this.outbox) this.log.markSending(item.clientId);
      this.log.showTyping();
      let sent = false;
      try {
        await this.ensureConversation();
        sent = true;
        const results = items.length === 1
          ? [await this.api.send(items[0].text, items[0].clientId)]
          : (await this.api.sendBatch(items.map(wire))).results;
        if (!Array.isArray(results) || results.length !== items.length) {
          throw new ApiError('The server sent an unreadable answer.');
        }
        if (!refused) this.alerts.hide();
        this.delivered(items, results);
      } catch (err) {
        if (retryable(err)) {
          this.hold(err, sent ? items : []);
          return;
        }
        if (sent && GONE.has(err.status) && !restarted) {
          // The conversation is gone or the token no longer valid: send into a new conversation.
          restarted = true;
          this.restartConversation();
          this.alerts.show(GONE_NOTICE);
          continue;
        }
        if (sent && items.length > 1 && err.status !== 429) {
          single = true;
          continue;
        }
        // The server refused the message itself (422/413...), or nothing may be sent for now (429,
        // or no conversation could be started): not retried, the text goes back into the input.
        const judged = sent && err.status !== 429;
        refused = this.refuse(err, judged ? items : this.outbox.slice(), judged) || refused;
        if (!judged) return;
      }
    }
  }

  /** The server stored these messages (possibly on an earlier attempt) and answered. */
  delivered(items, results) {
    this.outbox = this.outbox.filter((item) => !items.includes(item));
    let replies = false;
    items.forEach((item, i) => {
      const result = results[i] || {};
      if (result.message) this.log.upsert(result.message, item.clientId);
      if (result.reply) {
        replies = true;
        this.awaitReply(result.reply);
      }
    });
    if (!replies) this.log.hideTyping();
  }

  /** No answer came back: every unsent message stays, marked "Not sent", for a retry. */
  hold(err, attempted) {
    for (const item of attempted) item.maybeStored = true;
    for (const item of this.outbox) this.log.markFailed(item.clientId);
    this.log.hideTyping();
    this.alerts.show(`Message not sent. ${describeError(err)}`);
  }

  /**
   * The server answered with an error that a retry would repeat. The refused messages leave the
   * log and their text goes back into the input; a message an earlier attempt may have stored
   * stays queued (marked "Not sent") unless the server judged that very message (`judged`).
   * Returns whether an error was shown.
   */
  refuse(err, items, judged) {
    const texts = [];
    let kept = false;
    for (const item of items) {
      if (item.maybeStored && !judged) {
        kept = true;
        this.log.markFailed(item.clientId);
        continue;
      }
      this.outbox = this.outbox.filter((other) => other !== item);
      if (this.log.dropPending(item.clientId)) texts.push(item.text); // else the stream showed it stored
    }
    this.log.hideTyping();
    if (!texts.length && !kept) return false;
    if (texts.length) {
      this.input.value = [...texts, this.input.value].filter(Boolean).join('\n');
      this.autosize();
    }
    this.alerts.show(err.status === 429 ? describeError(err) : `Message not sent. ${describeError(err)}`);
    return true;
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
