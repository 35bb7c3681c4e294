// The queue of visitor messages the server has not confirmed. app.js owns one Outbox per panel and
// gives it the message log, the alerts and a few callbacks; this module decides what is sent when,
// what is retried and what is handed back to the visitor.

import { ApiError, GONE, describeError } from './api.js';

// A batch request holds at most this many messages and stays under the server's 64 KiB body limit.
const BATCH_MAX = 20;
const BATCH_MAX_BYTES = 60000;
// How long a reply that came back in the POST response may wait for the stream before it is shown.
const REPLY_FALLBACK_MS = 1500;

const utf8 = new TextEncoder();

function newClientId() {
  if (window.crypto && typeof window.crypto.randomUUID === 'function') return window.crypto.randomUUID();
  return `c-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
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

export class Outbox {
  /**
   * api: ChatApi (send, sendBatch); log: MessageLog; alerts: {show, hide}. Callbacks into the panel:
   * connect() resolves once there is a conversation to send into; restart() drops a conversation
   * the server no longer accepts (and calls requeue()); giveBack(texts) puts refused messages'
   * text back into the input.
   */
  constructor({ api, log, alerts, connect, restart, giveBack }) {
    this.api = api;
    this.log = log;
    this.alerts = alerts;
    this.connect = connect;
    this.restart = restart;
    this.generation = 0; // counts restarts, so a late reply of the old conversation is not shown
    this.giveBack = giveBack;
    // Oldest first: {text, clientId, maybeStored}. maybeStored: an earlier attempt failed without
    // an answer, so the server may hold it already.
    this.items = [];
    this.flushing = null;
    window.addEventListener('online', () => {
      if (this.items.length) this.flush();
    });
  }

  get size() {
    return this.items.length;
  }

  /** The server stored the message with this client_id (seen in history or on the stream). */
  confirm(clientId) {
    this.items = this.items.filter((item) => item.clientId !== clientId);
  }

  /** The log was reset for a new conversation: show every unsent message again, none stored there. */
  requeue() {
    this.generation += 1;
    for (const item of this.items) {
      item.maybeStored = false;
      this.log.addPending(item.text, item.clientId);
    }
  }

  /** Queue one visitor message and send it after any that are still unsent. */
  sendText(rawText) {
    const text = String(rawText).trim();
    if (!text) return Promise.resolve();
    const item = { text, clientId: newClientId(), maybeStored: false };
    this.items.push(item);
    this.log.addPending(text, item.clientId);
    return this.flush();
  }

  /** Send the queue; one request at a time, so the server stores messages in the order typed. */
  flush() {
    if (!this.flushing) this.flushing = this.drain().finally(() => { this.flushing = null; });
    return this.flushing;
  }

  /** The oldest unsent messages that fit in one request (just the oldest when `single`). */
  nextChunk(single) {
    const chunk = [this.items[0]];
    let bytes = utf8.encode(JSON.stringify(wire(this.items[0]))).length;
    for (const item of single ? [] : this.items.slice(1, BATCH_MAX)) {
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
    while (this.items.length) {
      const items = this.nextChunk(single);
      for (const item of this.items) this.log.markSending(item.clientId);
      this.log.showTyping();
      let sent = false;
      try {
        await this.connect();
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
          this.restart();
          continue;
        }
        if (sent && items.length > 1 && err.status !== 429) {
          single = true;
          continue;
        }
        // The server refused the message itself (422/413...), or nothing may be sent for now (429,
        // or no conversation could be started): not retried, the text goes back into the input.
        const judged = sent && err.status !== 429;
        refused = this.refuse(err, judged ? items : this.items.slice(), judged) || refused;
        if (!judged) return;
      }
    }
  }

  /** The server stored these messages (possibly on an earlier attempt) and answered. */
  delivered(items, results) {
    this.items = this.items.filter((item) => !items.includes(item));
    let replies = false;
    items.forEach((item, i) => {
      const result = results[i] || {};
      if (result.message) this.log.upsert(result.message, item.clientId);
      if (result.reply) {
        replies = true;
        this.awaitReply(result.reply);
      }
    });
    // With an agent in charge no reply comes back: the wait goes on until the agent writes.
    if (!replies && !this.log.human) this.log.hideTyping();
  }

  /**
   * Show a reply from the POST response unless the stream delivers it first; a reply that is
   * still arriving token by token gets more time as long as chunks keep coming.
   */
  awaitReply(reply) {
    const id = Number(reply.id);
    const { generation } = this;
    const check = (delay) => setTimeout(() => {
      if (this.log.isFinal(id) || generation !== this.generation) return;
      const quiet = this.log.quietFor(id);
      if (quiet < REPLY_FALLBACK_MS) check(REPLY_FALLBACK_MS - quiet);
      else this.log.upsert(reply);
    }, delay);
    if (!this.log.isFinal(id)) check(REPLY_FALLBACK_MS);
  }

  /** No answer came back: every unsent message stays, marked "Not sent", for a retry. */
  hold(err, attempted) {
    for (const item of attempted) item.maybeStored = true;
    for (const item of this.items) this.log.markFailed(item.clientId);
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
      this.items = this.items.filter((other) => other !== item);
      if (this.log.dropPending(item.clientId)) texts.push(item.text); // else the stream showed it stored
    }
    this.log.hideTyping();
    if (!texts.length && !kept) return false;
    if (texts.length) this.giveBack(texts);
    this.alerts.show(err.status === 429 ? describeError(err) : `Message not sent. ${describeError(err)}`);
    return true;
  }
}
