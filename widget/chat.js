// The installable chat page (/chat, widget/chat.html): the widget's panel opened full-page, the
// service worker that lets the page open offline, and a notice while the connection is down.
// Customer sites never load this module (the loader does not import it), so the worker is
// registered only here.

import { mount } from './app.js';

const OFFLINE_TEXT = "You're offline. Messages you send now will go out when the connection is back.";

function registerWorker() {
  if (!('serviceWorker' in navigator)) return;
  // Scope /chat, not the default /chat/ (which would leave out the page itself); the server allows
  // it with a Service-Worker-Allowed header.
  const register = () => navigator.serviceWorker.register('/chat/sw.js', { scope: '/chat' })
    .catch((err) => console.warn('SupportChat: no offline support', err));
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register); // after the page's own requests
}

/** A role="status" line above the panel: filled while offline, empty (and hidden) online. */
function watchConnection(node) {
  const update = () => {
    node.textContent = navigator.onLine ? '' : OFFLINE_TEXT;
  };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  update();
}

async function start() {
  registerWorker();
  watchConnection(document.querySelector('.sc-connection'));
  const root = document.getElementById('sc-root');
  // Nothing to close to on a page of its own: the close button is hidden and Escape does nothing.
  // fullPage and name (the business's, known even offline: the page carries it) are for app.js.
  const app = await mount({
    server: window.location.origin, root, panelId: 'sc-panel', close: () => {}, fullPage: true, name: root.dataset.name,
  });
  app.show();
}

start();
