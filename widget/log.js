// The message log: one row per message, whichever way it arrives (history, stream tokens, stream
// messages, POST responses, optimistic local echo). Rows are keyed by server id and, until the
// server has answered, by client_id, so nothing is shown twice.

import { addRich, renderExtras } from './extras.js';
import { keyOf, t, translate } from './i18n.js';
import { el, messageView, setMessageNote, setMessageText, skeletonView, typingView } from './ui.js';

const NEAR_BOTTOM_PX = 80;

/** "Usually replies within …" for a wait in seconds: [key, vars], or null when unknown. */
function waitText(seconds) {
  const s = Number(seconds);
  if (!(s > 0) || !Number.isFinite(s)) return null;
  // A few exact seconds, then steps of 5 seconds, then whole minutes: an estimate, not a promise.
  const n = s <= 10 ? Math.max(2, Math.ceil(s)) : Math.ceil(s / 5) * 5;
  if (n < 60) return ['waitSeconds', { n }];
  const minutes = Math.ceil(s / 60);
  return minutes === 1 ? ['waitMinute', {}] : ['waitMinutes', { n: minutes }];
}

function clearStatus(row) {
  row.classList.remove('sc-failed');
  const status = row.querySelector('.sc-msg-status');
  if (status) status.remove();
}

export class MessageLog {
  /**
   * onQuickReply(text), onContact() and onRetry() run when the visitor clicks those buttons (rich
   * blocks' buttons too: "message" sends its value, "human" asks for a person); onRate(id, rating,
   * comment) sends a rating of an answer (extras.js).
   */
  constructor({ onQuickReply, onContact, onRetry, onRate }) {
    this.onRate = onRate;
    this.rows = new Map(); // message id -> row
    this.pending = new Map(); // client_id -> optimistic visitor row
    this.order = new WeakMap(); // row -> sort key (greeting 0, server id, pending Infinity)
    this.tokens = new Map(); // bot message id -> chunks by index
    this.lastTokenAt = new Map(); // bot message id -> time its latest chunk arrived
    this.finalized = new Set(); // bot message ids whose complete text is shown
    this.greeting = null; // {row, text} while not matched to a stored message
    this.lastVisitorId = 0;
    // The language the business writes in (greeting, bot answers); set by the panel from /api/config.
    this.contentLang = null;
    // Usual reply times from /api/config estimated_wait ({bot_seconds, agent_seconds}), and
    // whether an agent has the conversation (set by the panel, kept up to date by notices).
    this.wait = null;
    this.human = false;
    this.typing = typingView();
    // A polite live region: screen readers announce each message added (a streamed answer once it
    // is complete).
    this.node = el('div', {
      class: 'sc-log', role: 'log', 'aria-live': 'polite', ta: 'aria-label=log', tabindex: '0',
    }, this.typing);
    this.node.addEventListener('click', (event) => {
      const target = event.target instanceof Element ? event.target : null;
      const reply = target && target.closest('.sc-quick-reply');
      const action = target && target.closest('button.sc-action');
      if (action) {
        const { action: kind, value } = action.dataset;
        if (kind === 'contact_form') onContact();
        else onQuickReply(kind === 'human' ? t('human') : value);
      } else if (reply) onQuickReply(reply.dataset.text || reply.textContent);
      else if (target && target.closest('.sc-contact-open')) onContact();
      else if (target && target.closest('.sc-retry')) onRetry();
    });
  }

  /** Forget every message (the conversation was replaced); unsent echoes are added again by the caller. */
  reset() {
    for (const row of this.node.querySelectorAll('.sc-msg')) row.remove();
    this.rows.clear();
    this.pending.clear();
    this.tokens.clear();
    this.lastTokenAt.clear();
    this.finalized.clear();
    this.greeting = null;
    this.lastVisitorId = 0;
    this.hideTyping();
  }

  /** The business greeting, shown locally (the server does not store it as a message). */
  showGreeting(text, lang = this.contentLang) {
    if (this.greeting) return this.updateGreeting(text, lang);
    if (!text || this.rows.size) return;
    const row = messageView({ role: 'bot', text, lang });
    row.dataset.greeting = '';
    this.greeting = { row, text };
    this.insert(row, 0);
  }

  /** The greeting shown, in another language (the default greeting follows the panel's). */
  updateGreeting(text, lang) {
    if (!this.greeting || !text) return;
    setMessageText(this.greeting.row, text);
    const node = this.greeting.row.querySelector('.sc-msg-text');
    if (lang) node.lang = lang;
    else node.removeAttribute('lang');
    this.greeting.text = text;
  }

  /** Blocks under the greeting, e.g. the owner's after-hours quick actions. */
  greetingRich(blocks) {
    if (this.greeting) addRich(this, this.greeting.row, blocks);
  }

  /** A message the server does not store (a proactive trigger's), after everything shown so far. */
  addLocal(text) {
    const row = messageView({ role: 'bot', text, lang: this.contentLang });
    row.dataset.proactive = '';
    this.insert(row, Math.max(0, ...this.rows.keys()) + 0.5);
    this.scrollToBottom();
  }

  /** Grey placeholders until the history arrives; returns a function that removes them. */
  showSkeleton() {
    const node = skeletonView();
    this.node.insertBefore(node, this.typing);
    return () => node.remove();
  }

  /** Echo a visitor message before the server has stored it. */
  addPending(text, clientId) {
    const row = messageView({ role: 'visitor', text, clientId });
    row.classList.add('sc-pending');
    row.dataset.text = text;
    this.pending.set(clientId, row);
    this.insert(row, Infinity);
    this.scrollToBottom();
  }

  /** Mark an echo as not sent, with a Retry button (which retries every unsent message, in order). */
  markFailed(clientId) {
    const row = this.pending.get(clientId);
    if (!row || row.classList.contains('sc-failed')) return;
    const stick = this.isNearBottom();
    row.classList.add('sc-failed');
    row.append(el('div', { class: 'sc-msg-status' },
      el('span', { t: 'notSent' }), ' — ', el('button', { type: 'button', class: 'sc-retry', 'data-track': 'retry', t: 'retry' })));
    if (stick) this.scrollToBottom();
  }

  /** An echo that is being sent (again): no longer marked as not sent. */
  markSending(clientId) {
    const row = this.pending.get(clientId);
    if (row) clearStatus(row);
  }

  /** Remove an unsent echo; false when the stream has meanwhile shown it stored. */
  dropPending(clientId) {
    const row = this.pending.get(clientId);
    if (!row) return false;
    this.pending.delete(clientId);
    row.remove();
    return true;
  }

  isFinal(id) {
    return this.finalized.has(id);
  }

  /** Milliseconds since the latest chunk of a bot answer arrived (Infinity when none did). */
  quietFor(id) {
    return this.lastTokenAt.has(id) ? Date.now() - this.lastTokenAt.get(id) : Infinity;
  }

  /** Add or update a server Message, reconciling optimistic rows, the greeting and streamed bubbles. */
  upsert(message, clientId = null) {
    const id = Number(message && message.id);
    if (!Number.isFinite(id)) return;
    const note = typeof message.note === 'string' && message.note ? message.note : '';
    let text = typeof message.text === 'string' ? message.text : '';
    // `text` ends with the note (for clients that show it alone): here each part has its own lang.
    if (note && text.endsWith(` ${note}`)) text = text.slice(0, -note.length - 1);
    const stick = this.isNearBottom();
    let row = this.rows.get(id) || null;

    if (message.role === 'visitor') {
      this.lastVisitorId = Math.max(this.lastVisitorId, id);
      const claimed = this.claimPending(clientId || message.client_id, text);
      if (claimed) clearStatus(claimed);
      if (claimed && row) claimed.remove(); // the stream delivered it first under its id
      else if (claimed) row = claimed;
    } else if (!row && this.greeting && this.greeting.text === text && (message.role === 'bot' || message.role === 'system')) {
      row = this.greeting.row; // a server that stores the greeting as a message
      this.greeting = null;
      delete row.dataset.greeting;
    }

    const lang = this.langOf(message);
    if (row) {
      setMessageText(row, text);
      if (lang) row.querySelector('.sc-msg-text').lang = lang;
      if (row.dataset.id !== String(id)) {
        row.dataset.id = String(id);
        row.classList.remove('sc-pending');
        this.rows.set(id, row);
        this.order.set(row, id);
      }
    } else {
      row = messageView({ role: message.role, text, id, clientId: message.client_id, lang });
      this.rows.set(id, row);
      this.insert(row, id);
    }

    if (message.role === 'bot') {
      if (typeof message.kind === 'string') row.dataset.kind = message.kind; // answer, clarify, unknown
      this.finalized.add(id);
      this.tokens.delete(id);
      this.lastTokenAt.delete(id);
      row.removeAttribute('aria-busy');
      setMessageNote(row, note, message.note_language);
      renderExtras(this, row, message);
    }
    if (message.role === 'agent') this.human = true;
    if (message.role === 'system') {
      const notice = keyOf(text);
      if (notice === 'joined') this.human = true;
      else if (notice === 'handedBack' || notice === 'closed') this.human = false;
    }
    if (message.role !== 'visitor' && id > this.lastVisitorId) this.hideTyping();
    this.pruneQuickReplies();
    if (stick) this.scrollToBottom();
  }

  /** Append a streamed chunk ({message_id, index, text}) to its bot bubble. */
  token({ message_id: rawId, index, text }) {
    const id = Number(rawId);
    if (!Number.isFinite(id) || this.finalized.has(id) || typeof text !== 'string') return;
    const chunks = this.tokens.get(id) || [];
    chunks[Number(index) || 0] = text; // by index, so a replay after reconnecting changes nothing
    this.tokens.set(id, chunks);
    this.lastTokenAt.set(id, Date.now());
    let row = this.rows.get(id);
    if (!row) {
      row = messageView({ role: 'bot', id, lang: this.contentLang });
      row.setAttribute('aria-busy', 'true'); // announce the finished answer, not every chunk
      this.rows.set(id, row);
      this.insert(row, id);
    }
    const stick = this.isNearBottom();
    setMessageText(row, chunks.join(''));
    if (id > this.lastVisitorId) this.hideTyping();
    if (stick) this.scrollToBottom();
  }

  /**
   * Who is answering and how long it usually takes, set once as the row appears: the live region
   * announces it once per wait, not again while it shows.
   */
  showTyping() {
    if (this.typing.hidden) {
      const who = this.typing.querySelector('.sc-typing-who');
      const wait = this.typing.querySelector('.sc-typing-wait');
      const estimate = waitText(this.wait && this.wait[this.human ? 'agent_seconds' : 'bot_seconds']);
      who.dataset.t = this.human ? 'agentTyping' : 'typing';
      translate(who);
      wait.hidden = !estimate;
      if (estimate) {
        wait.dataset.t = estimate[0];
        wait.dataset.tv = JSON.stringify(estimate[1]);
        translate(wait);
      }
      this.typing.hidden = false;
    }
    this.scrollToBottom();
  }

  hideTyping() {
    this.typing.hidden = true;
  }

  isNearBottom() {
    return this.node.scrollHeight - this.node.scrollTop - this.node.clientHeight < NEAR_BOTTOM_PX;
  }

  scrollToBottom() {
    this.node.scrollTop = this.node.scrollHeight;
  }

  // Rows are kept in server id order; the greeting stays first and unsent echoes last.
  insert(row, key) {
    this.order.set(row, key);
    const stick = this.isNearBottom();
    let before = this.typing;
    for (const other of this.node.querySelectorAll('.sc-msg')) {
      const otherKey = this.order.has(other) ? this.order.get(other) : Infinity;
      if (otherKey > key) {
        before = other;
        break;
      }
    }
    this.node.insertBefore(row, before);
    this.pruneQuickReplies();
    if (stick) this.scrollToBottom();
  }

  /** The language the server says a message is in; else the business's for bot answers. */
  langOf(message) {
    const lang = typeof message.language === 'string' && /^[a-z]{2,3}$/.test(message.language) ? message.language : null;
    return lang || (message.role === 'bot' ? this.contentLang : null);
  }

  /** Find (and forget) the optimistic row for a visitor message, by client_id or else by text. */
  claimPending(clientId, text) {
    let key = clientId && this.pending.has(clientId) ? clientId : null;
    if (!key && !clientId) {
      for (const [candidate, row] of this.pending) {
        if (row.dataset.text === text) {
          key = candidate;
          break;
        }
      }
    }
    if (!key) return null;
    const row = this.pending.get(key);
    this.pending.delete(key);
    return row;
  }

  /** Suggested questions only make sense under the latest message. */
  pruneQuickReplies() {
    const rows = this.node.querySelectorAll('.sc-msg');
    const last = rows[rows.length - 1];
    for (const group of this.node.querySelectorAll('.sc-quick-replies')) {
      if (group.closest('.sc-msg') !== last) group.remove();
    }
  }
}
