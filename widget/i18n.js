// The widget's words: English built in, another language fetched from strings/<code>.json when
// needed. Elements carry keys (data-t: text, data-ta: "aria-label=close placeholder=input");
// translateAll(root) redoes them on a change. See README.md (Languages).

// The languages the server detects (core/nlp/language.py), by their own names.
export const LANGUAGES = { en: 'English', es: 'Español', fr: 'Français', de: 'Deutsch', ur: 'اردو', ar: 'العربية' };
const RTL = ['ur', 'ar'];

export const EN = {
  open: 'Open chat',
  close: 'Close chat',
  chatWith: 'Chat with {name}',
  online: "We're online",
  away: "We're away right now",
  awayUntil: "We're away — we open again {day} at {time}",
  theme: 'Dark mode',
  language: 'Language',
  log: 'Messages',
  you: 'Your message',
  bot: 'Assistant',
  agent: 'Agent',
  notice: 'Notice',
  typing: 'Assistant is typing',
  agentTyping: 'Waiting for an agent',
  waitSeconds: 'Usually replies within {n} seconds',
  waitMinute: 'Usually replies within a minute',
  waitMinutes: 'Usually replies within {n} minutes',
  input: 'Type your message',
  placeholder: 'Type your message…',
  send: 'Send',
  suggested: 'Suggested questions',
  contactUs: 'Contact us',
  human: "I'd like to talk to a person.",
  talkToPerson: 'Talk to a person',
  actions: 'Quick actions',
  carousel: 'carousel',
  slide: 'slide',
  slideOf: '{n} of {total}',
  previous: 'Previous slide',
  next: 'Next slide',
  newTab: '(opens in a new tab)',
  notSent: 'Not sent',
  retry: 'Retry',
  rate: 'Rate this answer',
  helpful: 'Helpful',
  notHelpful: 'Not helpful',
  better: 'What could we do better? (optional)',
  thanksRating: 'Thanks for your feedback.',
  thanksComment: "Thanks, we'll use your comment.",
  intro: 'Leave your details and we will get back to you.',
  name: 'Name',
  email: 'E-mail',
  phone: 'Phone (optional)',
  message: 'Message',
  needName: 'Please enter your name.',
  needEmail: 'Please enter your e-mail address.',
  needMessage: 'Please enter a message.',
  badEmail: 'Please enter a valid e-mail address.',
  back: 'Back to chat',
  sending: 'Sending…',
  thanks: "Thanks! We'll get back to you soon.",
  gone: 'This conversation is no longer available, so a new one has started.',
  yourData: 'Your data',
  countNotice: 'This chat counts clicks to improve itself.',
  countOk: 'OK',
  countStop: "Don't count mine",
  countAsk: 'May this chat count your clicks to improve itself?',
  countYes: 'Yes',
  countNo: 'No',
  privacyIntro: 'Download a copy of everything this chat holds about you, or delete it.',
  downloadData: 'Download my data',
  deleteData: 'Delete my data',
  deleteWarning: 'This deletes your conversations and everything we hold about you. It cannot be undone.',
  deleteForGood: 'Delete for good',
  cancel: 'Cancel',
  preparing: 'Preparing your download…',
  downloaded: 'Your data has been downloaded.',
  deleted: 'Your data has been deleted.',
  nothingStored: 'We hold no data about you.',
  linkByEmail: 'Or get a link to your data by e-mail',
  sendLink: 'E-mail me a link',
  linkSent: 'If we hold data about that address, a link to it is on its way.',
  whatsapp: 'Continue on WhatsApp',
  whatsappIntro: 'The assistant and our team will answer you on WhatsApp.',
  whatsappNumber: 'WhatsApp number, e.g. +44 7911 123456',
  whatsappConsent: 'I agree to continue this chat on WhatsApp.',
  whatsappSend: 'Send to WhatsApp',
  whatsappSent: 'Done: reply on WhatsApp ({number}).',
  whatsappInvalid: 'Add + and the country code.',
  whatsappConsentNeeded: 'Tick the box first.',
  // Notices and alerts written in English by the server and other modules: localize() maps them.
  joined: 'An agent has joined the conversation.',
  handedBack: "You're chatting with the assistant again.",
  closed: 'This conversation was closed.',
  failed: 'Message not sent.',
  tooMany: 'Too many messages, please wait {n} seconds',
  oops: 'Something went wrong on our side. Please try again.',
  error: 'Something went wrong. Please try again.',
  slow: 'The server took too long to answer.',
  offline: 'Could not reach the server.',
  garbled: 'The server sent an unreadable answer.',
};

let strings = EN;
const loading = { en: Promise.resolve(EN) };

/** 'es-MX' -> 'es'; null for a language the widget does not speak. */
export function supported(tag) {
  const code = String(tag || '').toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(LANGUAGES, code) ? code : null;
}

export const dir = (lang) => (RTL.includes(lang) ? 'rtl' : 'ltr');

/** The string for key in the active language, {name}s filled from vars. */
export function t(key, vars = {}) {
  return String(strings[key] || EN[key] || key).replace(/\{(\w+)\}/g, (_, name) => vars[name] ?? '');
}

const langOf = new WeakMap(); // a language's strings -> its code
const more = new WeakMap(); // a language's strings -> the promise of its views' strings added
let wantMore = false; // once a view that loads later has opened, every language brings its own

function fetchStrings(name) {
  return fetch(new URL(`strings/${name}.json`, import.meta.url))
    .then((response) => (response.ok ? response.json() : null))
    .catch(() => null);
}

/** found with the strings of the views that load later (strings/<code>.more.json) added. */
function withMore(found) {
  const lang = langOf.get(found);
  if (!lang) return found; // English: all built in
  if (!more.has(found)) {
    more.set(found, fetchStrings(`${lang}.more`).then((added) => {
      if (added) Object.assign(found, added);
      else more.delete(found); // asked again next time; English meanwhile
    }));
  }
  return more.get(found).then(() => found);
}

/**
 * lang's strings, fetched once; null when they cannot be had (asked again next time). A first
 * open needs only strings/<code>.json; the contact form, Your data, WhatsApp, ratings and
 * carousels bring strings/<code>.more.json along the first time one of them opens (views()).
 */
export function load(lang) {
  if (!loading[lang]) {
    loading[lang] = fetchStrings(lang).then((found) => {
      if (!found) delete loading[lang];
      else langOf.set(found, lang);
      return found;
    });
  }
  return loading[lang].then((found) => (found && wantMore ? withMore(found) : found));
}

/** Awaited by each view that loads later, before it builds: its strings in the active language. */
export function views() {
  wantMore = true;
  return Promise.resolve(withMore(strings));
}

/** Make strings (from load()) the active ones. */
export function use(found) {
  strings = found || EN;
}

/** Redo node's data-t/data-ta; data-tv holds the {placeholders}' values as JSON. */
export function translate(node) {
  const { t: key, ta, tv } = node.dataset;
  const vars = tv ? JSON.parse(tv) : {};
  if (key) node.textContent = t(key, vars);
  for (const pair of ta ? ta.split(' ') : []) {
    const [name, k] = pair.split('=');
    node.setAttribute(name, t(k, vars));
  }
}

export function translateAll(root) {
  for (const node of root.querySelectorAll('[data-t],[data-ta]')) translate(node);
}

/** The key of an English sentence, or undefined. */
export const keyOf = (text) => Object.keys(EN).find((key) => EN[key] === text);

/** An English alert in the active language: [text], or [prefix, {text, lang: 'en'}] for unknown text. */
export function localize(text) {
  let prefix = '';
  if (text.startsWith(`${EN.failed} `)) {
    prefix = `${t('failed')} `;
    text = text.slice(EN.failed.length + 1);
  }
  const wait = /^Too many messages, please wait (\d+) seconds$/.exec(text);
  const key = keyOf(text);
  if (wait) return [prefix + t('tooMany', { n: wait[1] })];
  return key ? [prefix + t(key)] : [prefix, { text, lang: 'en' }];
}
