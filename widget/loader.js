/* CustomerAgent chat launcher; the panel (app.js) loads on first open. */
(function () {
  var w = window, d = document;
  if (w.SupportChat) return;
  var script = d.currentScript || d.querySelector('script[data-server][src*="loader.js"]');
  if (!script) return;
  var data = script.dataset;
  var base;
  try {
    // From the snippet or the script's origin, never guessed from the hostname.
    base = new URL(data.server || new URL(script.src, location.href).origin, location.href).href.replace(/\/+$/, '');
  } catch (e) {
    return;
  }
  var PANEL_ID = 'sc-panel';
  var L = '.sc-root .sc-launcher';
  var STYLE = L + '{position:fixed;z-index:2147483000;bottom:20px;right:20px;width:56px;height:56px;margin:0;padding:0;border:0;border-radius:50%;background:var(--sc-color);color:var(--sc-on-color);box-shadow:0 4px 14px #0005;cursor:pointer;display:grid;place-items:center}' +
    '.sc-left' + L + '{right:auto;left:20px}' +
    L + ':focus-visible{outline:3px solid #111;outline-offset:2px;box-shadow:0 0 0 2px #fff}' +
    L + ' svg{width:26px;height:26px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}' +
    L + '[aria-expanded=true] .sc-i-chat,' + L + '[aria-expanded=false] .sc-i-x{display:none}';
  // Constant markup only; no data goes through innerHTML.
  var ICON = '<svg viewBox="0 0 24 24" aria-hidden="true"><path class="sc-i-chat" d="M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z"/><path class="sc-i-x" d="M6 6l12 12M18 6L6 18"/></svg>';
  var root, button, app, loading, configDone, config, configAt, isOpen = false;
  var triggers = [], firedHere = {};
  var configured = new Promise(function (done) { configDone = done; });
  // Telemetry (POST /api/events): the owner's setting (notice/consent/off, from /api/config), the
  // page's SupportChat.consent() (this page), the visitor's answer in the chat (kept: 1 yes, 0 no,
  // ok the notice seen; a no wins over the page's yes), whether this page view's clicks are in
  // the sample.
  var nav = navigator, KEY = 'sc-visitor-key', CHOICE = 'sc-consent', mode, agreed, chosen, sampled, clicks = [], steps = [], recent = [];
  var myKey = [].map.call(crypto.getRandomValues(new Uint8Array(16)), function (b) {
    return (b + 256).toString(16).slice(1);
  }).join(''); // used only if none is stored yet
  var dnt = nav.doNotTrack == 1 || nav.globalPrivacyControl;

  // The brand colour, with black or white text on it, whichever gives at least 4.5:1.
  function paint(color) {
    if (!color || !CSS.supports('color', color)) return;
    var probe = root.appendChild(d.createElement('i'));
    probe.style.color = color;
    var c = getComputedStyle(probe).color.match(/[\d.]+/g).map(function (v) {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    root.removeChild(probe);
    root.style.setProperty('--sc-color', color);
    root.style.setProperty('--sc-on-color', 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2] <= 0.1833 ? '#fff' : '#000');
  }

  function place(position) {
    root.className = 'sc-root sc-' + (position === 'left' ? 'left' : 'right');
  }

  // Business settings (GET /api/config) fill in what the embed snippet left out.
  function apply(config) {
    if (!data.color) paint(config.color);
    if (!data.position) place(config.position);
  }

  // ----- proactive triggers (GET /api/config `triggers`) --------------------------------------

  // A glob on the path ("/pricing*"); no pattern means every page.
  function here(pattern) {
    return !pattern || new RegExp('^' + String(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*').replace(/\?/g, '.') + '$').test(location.pathname);
  }

  // Each trigger speaks once per visitor session (sessionStorage, else this page's memory).
  function spoken(name) {
    var key = 'sc-trigger-' + name;
    try {
      return !!sessionStorage.getItem(key);
    } catch (e) {
      return !!firedHere[key];
    }
  }

  function firstTime(name) {
    if (spoken(name)) return false;
    var key = 'sc-trigger-' + name;
    try {
      sessionStorage.setItem(key, '1');
    } catch (e) {
      firedHere[key] = 1;
    }
    return true;
  }

  // Open the panel (focus moves into it, as on a click) and show the message as the assistant's.
  function fire(t) {
    if (isOpen || !firstTime(t.name)) return;
    open();
    load().then(function (a) {
      if (isOpen) a.prompt(t.message);
    }, function () {});
  }

  function watch(config) {
    triggers = (Array.isArray(config.triggers) ? config.triggers : []).filter(function (t) {
      return t && t.name && typeof t.message === 'string' && t.message;
    });
    triggers.forEach(function (t) {
      function go() {
        if (here(t.url_pattern)) fire(t);
      }
      // A listener goes away once its trigger has spoken (here or in an earlier page).
      function on(target, type, test) {
        function handler(e) {
          if (test(e)) go();
          if (spoken(t.name)) target.removeEventListener(type, handler);
        }
        if (!spoken(t.name)) target.addEventListener(type, handler, { passive: true });
      }
      if (t.kind === 'time_on_page') setTimeout(go, Math.max(0, (+t.seconds || 0) * 1000 - performance.now()));
      // The pointer leaving through the top of the window (to the tabs or the address bar).
      if (t.kind === 'exit_intent' && !w.matchMedia('(pointer: coarse)').matches) {
        on(d, 'mouseout', function (e) { return !e.relatedTarget && e.clientY <= 0; });
      }
      if (t.kind === 'scroll_bottom') {
        on(w, 'scroll', function () { return w.innerHeight + w.scrollY >= d.documentElement.scrollHeight - 4; });
      }
    });
  }

  // SupportChat.trigger(name): a single-page app fires any trigger by name, wherever it is.
  function trigger(name) {
    configured.then(function () {
      var t = triggers.filter(function (x) { return x.name === name; })[0];
      if (t) fire(t);
      else console.warn('SupportChat: no trigger named', name);
    });
  }

  // ----- telemetry: widget clicks and the page's own steps, sent by beacon ----------------------

  function allowed() {
    return !dnt && agreed !== false && chosen != 0 && (mode == 'notice' || mode == 'consent' && (agreed || chosen == 1));
  }

  // The pseudonymous visitor id (32 random hex) in localStorage, made only once recording is
  // allowed; null forgets it.
  function visitorKey(forget) {
    try {
      if (forget) return localStorage.removeItem(KEY);
      if (allowed()) localStorage[KEY] = myKey = localStorage[KEY] || myKey;
    } catch (e) {}
    return allowed() && myKey;
  }

  // When the page hides or a batch fills. Kept while the setting or the visitor's consent is not
  // known yet, dropped when either says no. Steps and clicks go apart: a refused step (a
  // personal-looking property) must not lose the clicks.
  function flush() {
    if (mode && (mode != 'consent' || agreed != null || chosen == 0 || chosen == 1 || dnt)) {
      [{ tracked: steps }, { clicks: clicks }].forEach(function (body, i) {
        body.visitor_key = visitorKey();
        body.sent_at = Date.now();
        if (body.visitor_key && (i ? clicks : steps)[0]) nav.sendBeacon(base + '/api/events', JSON.stringify(body));
      });
      clicks = [];
      steps = [];
    }
  }

  function share(offset, size) {
    offset /= size;
    return offset > 0 ? offset < 1 ? offset : 1 : 0; // NaN (an empty box) too
  }

  // A click in the widget: the data-track key of what was clicked ("none": nothing there), where
  // inside it and inside the panel (the launcher's box while closed), each 0-1. It runs before
  // the click's own handler: the panel state is the one the visitor saw.
  function clicked(e) {
    if (sampled && allowed()) {
      var t = e.target, hit = t.closest('[data-track]'), now = Date.now();
      var box = (isOpen && t.closest('.sc-panel') || button).getBoundingClientRect(), r = (hit || t).getBoundingClientRect();
      // A click from the keyboard (Enter, Space) has no position: its element's centre.
      var x = e.detail ? e.clientX : r.x + r.width / 2, y = e.detail ? e.clientY : r.y + r.height / 2;
      recent = recent.filter(function (c) {
        return now - c[0] < 1e3 && Math.hypot(c[1] - x, c[2] - y) < 30;
      }).concat([[now, x, y]]);
      clicks.push({
        element: hit ? hit.dataset.track : 'none',
        x: share(x - r.x, r.width),
        y: share(y - r.y, r.height),
        panel_x: share(x - box.x, box.width),
        panel_y: share(y - box.y, box.height),
        panel: isOpen ? root.querySelector('.sc-chat[hidden]') ? 'contact' : 'chat' : 'closed',
        width_class: innerWidth < 480 ? 'narrow' : innerWidth < 1024 ? 'medium' : 'wide',
        rage: !!recent[2], // the third within a second on one spot
        dead: !t.closest('a,button,input,select,textarea,label,[role=option]'),
        at: now,
      }) > 99 && flush();
    }
  }

  // SupportChat.track('purchase', {value: 179, currency: 'USD', plan: 'yearly'}): a step of the
  // business's own, recorded whether or not the chat is ever opened.
  function track(name, properties) {
    var step = { name: name, properties: {}, at: Date.now() }, k;
    for (k in properties) (k == 'value' || k == 'currency' ? step : step.properties)[k] = properties[k];
    /^[a-z][a-z0-9_]{0,63}$/.test(name) && !dnt && mode != 'off' && steps.length < 100 && steps.push(step) > 99 && flush();
  }

  // SupportChat.consent(true) once the visitor agreed (the owner's setting "consent" waits for
  // it), on each page; consent(false) stops recording and forgets the visitor id.
  function consent(granted) {
    if (!(agreed = !!granted)) visitorKey(clicks = [], steps = []);
  }

  // The visitor's answer in the chat (1, 0 or ok), kept for the next pages.
  function choose(answer) {
    try {
      localStorage[CHOICE] = chosen = answer;
    } catch (e) {}
    if (answer == 0) visitorKey(clicks = [], steps = []);
  }

  function attr(name, value) {
    button.setAttribute(name, value);
  }

  function init() {
    d.head.appendChild(d.createElement('style')).textContent = STYLE;
    try {
      chosen = localStorage[CHOICE];
    } catch (e) {}
    root = d.body.appendChild(d.createElement('div'));
    place(data.position);
    paint('#1f5fbf');
    paint(data.color);
    button = root.appendChild(d.createElement('button'));
    button.type = 'button';
    button.className = 'sc-launcher';
    attr('aria-label', 'Open chat');
    attr('aria-controls', PANEL_ID);
    attr('aria-expanded', false);
    attr('data-track', 'launcher');
    button.innerHTML = ICON;
    button.onclick = toggle;
    button.onkeydown = function (e) {
      if (e.key === 'Escape') close();
    };
    // The launcher shows before app.js loads: it needs the business's colour and side now, and
    // the triggers. The panel gets the same answer (null if it failed): one request, not two.
    configAt = Date.now();
    config = fetch(base + '/api/config').then(function (r) { return r.json(); }).then(function (c) {
      apply(c);
      if (data.preview) return c; // the admin's preview (/preview): no proactive message, no telemetry
      watch(c);
      mode = c.telemetry;
      sampled = Math.random() < c.click_sample_rate; // once per page view
      visitorKey(dnt || mode == 'off'); // made now if allowed, forgotten if refused
      return c;
    }).catch(function () { return null; });
    config.then(configDone);
    if (data.preview) {
      if (data.preview !== 'closed') open();
      return;
    }
    root.addEventListener('click', clicked, true);
    d.addEventListener('visibilitychange', function () {
      if (d.hidden) flush();
    });
    w.addEventListener('pagehide', flush);
  }

  function load() {
    if (!loading) {
      var link = d.createElement('link');
      link.rel = 'stylesheet';
      link.href = base + '/widget/widget.css';
      loading = Promise.all([
        new Promise(function (done) {
          link.onload = link.onerror = done;
          d.head.appendChild(link);
        }),
        import(base + '/widget/app.js'),
      ]).then(function (r) {
        return r[1].mount({ server: base, root: root, panelId: PANEL_ID, close: close, apply: apply, config: config, configAt: configAt, visitorKey: visitorKey, choose: choose,
          // What the chat need not ask: 0 (a no, or the browser's), 1 (a yes, here or the page's), ok.
          chosen: function () { return dnt || agreed === false ? '0' : chosen || (agreed ? '1' : undefined); },
          preview: data.preview && { panel: data.preview, theme: data.theme } });
      }).then(function (a) {
        return (app = a);
      }, function (e) {
        link.remove();
        loading = null;
        throw e;
      });
    }
    return loading;
  }

  function setOpen(value) {
    attr('aria-expanded', (isOpen = value));
  }

  function open() {
    if (!root) return d.addEventListener('DOMContentLoaded', open);
    if (isOpen) return;
    setOpen(true);
    attr('aria-busy', true);
    load().then(function (a) {
      attr('aria-busy', false);
      if (isOpen) a.show();
    }, function (e) {
      attr('aria-busy', false);
      setOpen(false);
      console.error('SupportChat:', e);
    });
  }

  function close() {
    if (!isOpen) return;
    var hadFocus = root.contains(d.activeElement);
    setOpen(false);
    if (app) app.hide();
    if (hadFocus) button.focus();
  }

  function toggle() {
    if (isOpen) close();
    else open();
  }

  w.SupportChat = { open: open, close: close, toggle: toggle, trigger: trigger, track: track, consent: consent };
  if (d.body) init();
  else d.addEventListener('DOMContentLoaded', init);
})();
