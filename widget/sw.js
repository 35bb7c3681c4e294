// Service worker of the installable chat page (/chat). Only that page registers it (chat.js);
// the loader on customer sites never does. The chat server serves this file at /chat/sw.js with
// VERSION and SHELL filled in (chat_server/endpoints/pwa.py): VERSION is a hash of the shell's
// files, so any change to the widget changes this script, the browser installs the new worker,
// which fills a new cache and deletes the old ones when it takes over.
//
// - the shell (widget code, styles, icons, manifest): cache first, precached on install;
// - the page itself: network first (it carries the business's current name and colour), the
//   cached copy when the network fails;
// - /api/ (JSON, the event stream): never intercepted and never cached; when offline the widget
//   sees the network error and its outbox keeps the visitor's messages until the connection is back.

const VERSION = 'dev';
const SHELL = ['/chat'];

const PREFIX = 'sc-shell-';
const CACHE = PREFIX + VERSION;
const PAGE = '/chat';

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // cache: 'reload' skips the HTTP cache, so a new version never stores a stale file.
    await cache.addAll(SHELL.map((path) => new Request(path, { cache: 'reload' })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((name) => name.startsWith(PREFIX) && name !== CACHE).map((name) => caches.delete(name)));
    await self.clients.claim();
  })());
});

async function pageNetworkFirst(request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(PAGE, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(PAGE, { ignoreSearch: true });
    if (cached) return cached;
    throw err;
  }
}

async function shellCacheFirst(request, path) {
  const cache = await caches.open(CACHE);
  // ignoreVary: the server varies on Accept-Encoding (and Origin), which do not change the file.
  const cached = await cache.match(path, { ignoreVary: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) await cache.put(path, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate' && url.pathname === PAGE) {
    event.respondWith(pageNetworkFirst(request));
  } else if (SHELL.includes(url.pathname) && !url.search) {
    event.respondWith(shellCacheFirst(request, url.pathname));
  }
});
