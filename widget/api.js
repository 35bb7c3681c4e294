// The only module that knows the chat server's endpoints (see docs/api.md). Everything else talks
// to a ChatApi instance and receives plain objects or an ApiError.

const TIMEOUT_MS = 20000;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30000;
// Answers that no retry can change: the token is expired, forged or foreign, or the conversation is gone.
export const GONE = new Set([401, 403, 404]);

/** The host page without its query string and fragment, which can carry personal data. */
function pageAddress() {
  const { origin, pathname } = window.location;
  return origin && origin !== 'null' ? `${origin}${pathname}`.slice(0, 2048) : '';
}

export class ApiError extends Error {
  /**
   * status is the HTTP status (0 for network failures and timeouts); retryAfter is in seconds
   * (429 only); details is the server's 422 detail list.
   */
  constructor(message, { status = 0, retryAfter = null, details = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.retryAfter = retryAfter;
    this.details = details;
  }
}

function seconds(value) {
  const n = Number(value);
  return value !== null && value !== '' && Number.isFinite(n) ? Math.max(0, Math.ceil(n)) : null;
}

// Retry-After is either delta-seconds or an HTTP date. Cross-origin pages can read the header only
// when the server exposes it, so the body's retry_after is the fallback.
function retryAfterOf(response, body) {
  const header = response.headers.get('Retry-After');
  if (header) {
    const delta = seconds(header.trim());
    if (delta !== null) return delta;
    const date = Date.parse(header);
    if (!Number.isNaN(date)) return Math.max(0, Math.ceil((date - Date.now()) / 1000));
  }
  return body && body.retry_after !== undefined ? seconds(body.retry_after) : null;
}

async function errorFrom(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  const message = body && typeof body.error === 'string' ? body.error : `Request failed (${response.status})`;
  return new ApiError(message, {
    status: response.status,
    retryAfter: retryAfterOf(response, body),
    details: body && Array.isArray(body.details) ? body.details : null,
  });
}

export class ChatApi {
  constructor(baseUrl) {
    this.base = String(baseUrl).replace(/\/+$/, '');
    /** {conversation_id, visitor_token} of the current conversation, or null. */
    this.session = null;
  }

  setSession(session) {
    this.session = session ? { conversation_id: session.conversation_id, visitor_token: session.visitor_token } : null;
  }

  async _request(method, path, { body, token, signal, raw = false } = {}) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (token) headers.Authorization = `Bearer ${token}`;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    if (signal) signal.addEventListener('abort', () => controller.abort());
    let response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
        credentials: 'omit',
      });
    } catch (err) {
      const message = err && err.name === 'AbortError' ? 'The server took too long to answer.' : 'Could not reach the server.';
      throw new ApiError(message, { status: 0 });
    } finally {
      clearTimeout(timer);
    }
    if (!response.ok) throw await errorFrom(response);
    if (raw) return response;
    try {
      return await response.json();
    } catch {
      throw new ApiError('The server sent an unreadable answer.', { status: response.status });
    }
  }

  _conversationPath(suffix = '') {
    if (!this.session) throw new ApiError('No conversation has been started.', { status: 0 });
    return `/api/conversations/${encodeURIComponent(this.session.conversation_id)}${suffix}`;
  }

  /**
   * GET /api/config: {business_name, greeting, default_language, color, position, timezone, hours,
   * open_now, next_opening, quick_actions?, triggers?, estimated_wait?}.
   */
  config() {
    return this._request('GET', '/api/config');
  }

  /** GET /api/suggestions: up to 5 FAQ questions [{question, faq_id}] matching q, best first. */
  async suggestions(q, signal) {
    const data = await this._request('GET', `/api/suggestions?${new URLSearchParams({ q })}`, { signal });
    return Array.isArray(data.suggestions) ? data.suggestions : [];
  }

  /**
   * Start a conversation and make it the current session. previousToken (the token of an earlier
   * conversation) keeps the same visitor on the server. The host page's address goes with it.
   */
  async startConversation({ language, previousToken } = {}) {
    const body = {};
    const pageUrl = pageAddress();
    if (language) body.language = language;
    if (pageUrl) body.page_url = pageUrl;
    if (navigator.language) body.browser_language = navigator.language.slice(0, 35);
    if (this.visitorKey && this.visitorKey()) body.visitor_key = this.visitorKey(); // analytics, when allowed
    const data = await this._request('POST', '/api/conversations', { body, token: previousToken });
    this.setSession(data);
    return data;
  }

  /** Everything stored about this visitor: {blob (a ZIP), filename}. */
  async exportData() {
    const token = this.session && this.session.visitor_token;
    const response = await this._request('GET', '/api/visitor/data', { token, raw: true });
    const named = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') || '');
    return { blob: await response.blob(), filename: named ? named[1] : 'personal-data-export.zip' };
  }

  /** E-mail a link to the data stored about an address (sent only if there is any): {status}. */
  requestDataLink(email) {
    return this._request('POST', '/api/visitor/data/link', { body: { email } });
  }

  /** Move this conversation to WhatsApp at number (the visitor agreed): {status, number}. */
  continueOnWhatsApp(number) {
    return this._request('POST', `${this._conversationPath()}/whatsapp`, {
      body: { number, consent: true }, token: this.session && this.session.visitor_token,
    });
  }

  /** Delete everything stored about this visitor: {erased: true}. */
  eraseData() {
    return this._request('DELETE', '/api/visitor/data', { token: this.session && this.session.visitor_token });
  }

  /** Record the language the visitor chose in the menu: PATCH answers {language}. */
  setLanguage(language) {
    return this._request('PATCH', this._conversationPath(), { body: { language }, token: this.session && this.session.visitor_token });
  }

  /** The current conversation: {conversation_id, status, messages: [Message, ...]}, oldest first. */
  history() {
    return this._request('GET', this._conversationPath('/messages'), { token: this.session && this.session.visitor_token });
  }

  /** Send one visitor message: {message, reply}. Re-sending the same clientId is safe. */
  send(text, clientId) {
    const body = { text };
    if (clientId) body.client_id = clientId;
    return this._request('POST', this._conversationPath('/messages'), { body, token: this.session && this.session.visitor_token });
  }

  /** Send up to 20 queued messages [{text, client_id}] in order: {results: [{message, reply}]}. */
  sendBatch(messages) {
    return this._request('POST', this._conversationPath('/messages/batch'), {
      body: { messages },
      token: this.session && this.session.visitor_token,
    });
  }

  /**
   * POST /api/contact with {name, email, phone?, message}. The current conversation is attached,
   * with its visitor token, which the server needs to link the request to it.
   */
  contact(form) {
    const body = { name: form.name, email: form.email, message: form.message };
    if (form.phone) body.phone = form.phone;
    if (this.session) body.conversation_id = this.session.conversation_id;
    return this._request('POST', '/api/contact', { body, token: this.session && this.session.visitor_token });
  }

  /**
   * POST /feedback: rate a bot answer (1 helpful, -1 not), optionally with a comment. The server
   * keeps one rating per answer: a second call replaces the first.
   */
  feedback(messageId, rating, comment) {
    const body = { rating, message_id: messageId };
    if (comment) body.comment = comment;
    return this._request('POST', this._conversationPath('/feedback'), { body, token: this.session && this.session.visitor_token });
  }

  /**
   * Open the conversation's event stream. handlers: onToken({message_id, index, text}),
   * onMessage(Message), onOpen(), onError(), onGone(ApiError). EventSource resumes by itself with
   * Last-Event-ID after a network blip. When it gives up (an HTTP error closes it for good) a
   * history request tells why: 401/403/404 (token expired or forged, conversation gone) can never
   * succeed, so the stream stays closed and onGone runs; anything else reopens the stream with
   * backoff from the last complete message seen. Returns {close()}.
   */
  openStream(conversationId, token, after, handlers = {}) {
    let source = null;
    let timer = null;
    let closed = false;
    let delay = RECONNECT_MIN_MS;
    let cursor = after === null || after === undefined ? null : Number(after);

    const url = () => {
      const query = new URLSearchParams({ token });
      if (cursor !== null && Number.isFinite(cursor)) query.set('after', String(cursor));
      return `${this.base}/api/conversations/${encodeURIComponent(conversationId)}/events?${query}`;
    };
    const parse = (event) => {
      try {
        return JSON.parse(event.data);
      } catch {
        return null;
      }
    };
    const connect = () => {
      if (closed) return;
      source = new EventSource(url());
      source.addEventListener('open', () => {
        delay = RECONNECT_MIN_MS;
        if (handlers.onOpen) handlers.onOpen();
      });
      source.addEventListener('token', (event) => {
        const data = parse(event);
        if (data && handlers.onToken) handlers.onToken(data);
      });
      source.addEventListener('message', (event) => {
        const message = parse(event);
        if (!message) return;
        if (Number.isFinite(message.id) && (cursor === null || message.id > cursor)) cursor = message.id;
        if (handlers.onMessage) handlers.onMessage(message);
      });
      source.addEventListener('error', () => {
        if (handlers.onError) handlers.onError();
        if (closed || source.readyState !== EventSource.CLOSED) return;
        source = null;
        this._request('GET', `/api/conversations/${encodeURIComponent(conversationId)}/messages`, { token })
          .then(() => null, (err) => err)
          .then((err) => {
            if (closed) return;
            if (err && GONE.has(err.status) && handlers.onGone) {
              closed = true;
              handlers.onGone(err);
              return;
            }
            timer = setTimeout(connect, delay);
            delay = Math.min(delay * 2, RECONNECT_MAX_MS);
          });
      });
    };
    connect();
    return {
      close() {
        closed = true;
        clearTimeout(timer);
        if (source) source.close();
        source = null;
      },
    };
  }
}

/** A short sentence for a person describing a failed request. */
export function describeError(err) {
  const status = err && typeof err.status === 'number' ? err.status : 0;
  if (status === 429 && err.retryAfter !== null && err.retryAfter !== undefined) {
    return `Too many messages, please wait ${err.retryAfter} seconds`;
  }
  if (status >= 500) return 'Something went wrong on our side. Please try again.';
  if (status === 0 && !(err instanceof ApiError)) return 'Something went wrong. Please try again.';
  return err.message;
}

/** The chat API, also reporting the language the server detected in each message sent. */
export class PanelApi extends ChatApi {
  constructor(server, onLanguage, visitorKey) {
    super(server);
    this.onLanguage = onLanguage;
    this.visitorKey = visitorKey; // the loader's (telemetry): the id, or nothing when not allowed
  }

  seen(turn) {
    if (turn && turn.message && typeof turn.language === 'string') {
      turn.message.language = turn.language; // for the log's lang attribute
      this.onLanguage(turn.language);
    }
    return turn;
  }

  async send(text, clientId) {
    return this.seen(await super.send(text, clientId));
  }

  async sendBatch(messages) {
    const out = await super.sendBatch(messages);
    if (out && Array.isArray(out.results)) out.results.forEach((turn) => this.seen(turn));
    return out;
  }
}
