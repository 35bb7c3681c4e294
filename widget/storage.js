// Persistent key/value storage for the widget. Every key carries the `sc-` prefix so the widget
// never collides with the host page's own keys. Private browsing modes, disabled cookies and
// sandboxed iframes make localStorage throw; the widget then keeps working for the life of the
// page with an in-memory map.

const PREFIX = 'sc-';
const memory = new Map();

function backend() {
  try {
    const store = window.localStorage;
    const probe = PREFIX + 'probe';
    store.setItem(probe, '1');
    store.removeItem(probe);
    return store;
  } catch {
    return null;
  }
}

const store = backend();

/** Return the JSON value stored under `key`, or `fallback` when absent or unreadable. */
export function get(key, fallback = null) {
  let raw = memory.has(key) ? memory.get(key) : null;
  if (raw === null && store) {
    try {
      raw = store.getItem(PREFIX + key);
    } catch {
      raw = null;
    }
  }
  if (raw === null) return fallback;
  try {
    return JSON.parse(raw);
  } catch {
    return fallback;
  }
}

export function set(key, value) {
  const raw = JSON.stringify(value);
  if (store) {
    try {
      store.setItem(PREFIX + key, raw);
      memory.delete(key);
      return;
    } catch {
      // Quota exceeded or storage revoked mid-session: fall through to memory.
    }
  }
  memory.set(key, raw);
}

export function remove(key) {
  memory.delete(key);
  if (store) {
    try {
      store.removeItem(PREFIX + key);
    } catch {
      // Nothing to clean up when storage is unavailable.
    }
  }
}

const CONVERSATION_KEY = 'conversation';

/** The visitor's current conversation as {conversation_id, visitor_token}, or null. */
export function loadConversation() {
  const value = get(CONVERSATION_KEY);
  if (value && typeof value.conversation_id === 'string' && typeof value.visitor_token === 'string') {
    return { conversation_id: value.conversation_id, visitor_token: value.visitor_token };
  }
  return null;
}

export function saveConversation({ conversation_id, visitor_token }) {
  set(CONVERSATION_KEY, { conversation_id, visitor_token });
}

export function clearConversation() {
  remove(CONVERSATION_KEY);
}
