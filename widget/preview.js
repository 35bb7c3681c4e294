// Preview mode: the admin's heatmap frames /preview (chat_server/endpoints/preview.py) to lay the
// clicks visitors made over the real panel. app.js hands the panel over here before it first
// shows: it gets a canned conversation, shown locally, in the theme asked for, and every call
// that would store, stream or send something does nothing, so no conversation ever starts. The
// page's Content Security Policy refuses such requests as well.

const QUESTION = 'What are your opening hours?';
const ANSWER = "We're open Monday to Saturday, 9:00 to 18:00. Anything else I can help with?";
const REPLIES = ['Where are you?', 'Do you deliver?'];

const nothing = () => Promise.resolve({});

/** The greeting (the business's own, once its settings are in), a question and an answer. */
function showCanned(panel, showGreeting) {
  panel.log.reset();
  showGreeting();
  panel.log.upsert({ id: 1, role: 'visitor', text: QUESTION });
  panel.log.upsert({ id: 2, role: 'bot', kind: 'answer', text: ANSWER, quick_replies: REPLIES });
}

/** Make `panel` (app.js's ChatPanel, not shown yet) a preview of `state` in `theme`. */
export function stage(panel, { panel: state, theme }) {
  const { api, prefs } = panel;
  for (const name of ['startConversation', 'setLanguage', 'send', 'sendBatch', 'contact', 'feedback']) api[name] = nothing;
  api.history = () => Promise.resolve({ messages: [] });
  api.openStream = () => ({ close() {} });
  panel.outbox.sendText = nothing; // typed text and quick replies go nowhere
  panel.chooseLanguage = () => {}; // nor is a choice of language kept
  // Neither the visitor's stored choice nor the system's scheme: the one asked for.
  prefs.applyTheme = () => {
    prefs.root.dataset.theme = theme === 'dark' ? 'dark' : 'light';
    prefs.themeButton.setAttribute('aria-pressed', String(theme === 'dark'));
  };
  prefs.toggleTheme = () => {};
  prefs.applyTheme();
  // A stored conversation is never looked for; the greeting comes with the canned messages,
  // again when the business's settings bring the greeting.
  const showGreeting = panel.showGreeting.bind(panel);
  panel.showGreeting = () => showCanned(panel, showGreeting);
  panel.restoreConversation = async () => panel.showGreeting();
  if (state === 'contact') panel.showContact();
}
