// What shows under a bot message's bubble: rich blocks (buttons at once, the others through
// rich.js), suggested questions and the offers of a person or the contact form, and on answers
// the Helpful / Not helpful buttons (feedback.js). rich.js and feedback.js load with import() the
// first time a message needs them, so neither weighs on the first open. log.js calls these with
// itself as `log` (its scrolling, its language, its onRate).

import { buttonsView, markLang } from './actions.js';
import { el } from './ui.js';

let rich = null; // rich.js, imported the first time a message carries blocks
let feedback = null; // feedback.js, imported with the first answer
const richOf = new WeakMap(); // row -> its blocks as JSON, so a repeated message is not redrawn
const ratings = new WeakMap(); // answer row -> promise of its rating buttons

/** import() that is tried again next time when it fails. */
function lazy(load, forget) {
  return load().catch((err) => {
    forget();
    throw err;
  });
}

/**
 * Show blocks (images, videos, cards, carousels, buttons) under a message's bubble. Buttons
 * alone show at once; for the rest rich.js and its styles load the first time, and until then
 * (or if they cannot load) the text stands alone.
 */
export function addRich(log, row, blocks) {
  const json = JSON.stringify(blocks);
  if (richOf.get(row) === json) return;
  richOf.set(row, json);
  const old = row.querySelector('.sc-rich');
  if (old) old.remove();
  const slot = el('div', { class: 'sc-rich' });
  row.querySelector('.sc-bubble').after(slot);
  const simple = blocks.every((block) => block && block.type === 'buttons');
  if (!simple && !rich) rich = lazy(() => import('./rich.js'), () => { rich = null; });
  const nodes = simple
    ? Promise.resolve(blocks.map((block) => markLang(buttonsView(block), log.contentLang)).filter(Boolean))
    : rich.then((module) => module.renderBlocks(blocks, log.contentLang));
  nodes.then((found) => {
    const stick = log.isNearBottom();
    slot.append(...found);
    if (stick) {
      log.scrollToBottom();
      // Pictures take their height when they arrive.
      slot.addEventListener('load', () => log.scrollToBottom(), { capture: true, once: true });
    }
  }, () => slot.remove());
}

/**
 * Helpful / Not helpful under an answer (kind "answer": what the FAQ says, the one reply worth
 * rating; not a clarifying question, a notice or a person's message). `message.rating` (history)
 * shows an earlier choice pressed.
 */
function rate(log, row, message) {
  if (message.kind !== 'answer' || !log.onRate) return;
  const known = message.rating === 1 || message.rating === -1 ? message.rating : null;
  if (ratings.has(row)) {
    if (known) ratings.get(row).then((view) => view.set(known), () => {});
    return;
  }
  if (!feedback) feedback = lazy(() => import('./feedback.js'), () => { feedback = null; });
  const id = Number(message.id);
  const slot = el('div', { class: 'sc-rate-slot' });
  (row.querySelector('.sc-rich') || row.querySelector('.sc-bubble')).after(slot); // under the blocks
  const view = feedback.then((module) => {
    const stick = log.isNearBottom();
    const made = module.ratingView({ rating: known, send: (rating, comment) => log.onRate(id, rating, comment) });
    slot.append(made.node);
    if (stick) log.scrollToBottom();
    return made;
  });
  view.catch(() => {
    slot.remove();
    ratings.delete(row); // asked again with the next update of this answer
  });
  ratings.set(row, view);
}

export function renderExtras(log, row, message) {
  if (Array.isArray(message.rich) && message.rich.length) addRich(log, row, message.rich);
  rate(log, row, message);
  const old = row.querySelector('.sc-msg-extras');
  if (old) old.remove();
  const replies = Array.isArray(message.quick_replies) ? message.quick_replies.filter((q) => typeof q === 'string' && q) : [];
  const offers = Array.isArray(message.actions) ? message.actions : [];
  const contact = offers.includes('contact_form');
  const human = offers.includes('human');
  if (!replies.length && !contact && !human) return;
  const extras = el('div', { class: 'sc-msg-extras' });
  if (replies.length) {
    extras.append(el('div', { class: 'sc-quick-replies', role: 'group', ta: 'aria-label=suggested' },
      replies.map((reply) => el('button', { type: 'button', class: 'sc-quick-reply', 'data-track': 'quick_reply', 'data-text': reply, lang: log.langOf(message), dir: 'auto' }, reply))));
  }
  // The bot's offer of a person: the click sends the widget's own words for it (log's handler).
  if (human) extras.append(el('button', { type: 'button', class: 'sc-button sc-action sc-human', 'data-track': 'human', 'data-action': 'human', t: 'talkToPerson' }));
  if (contact) extras.append(el('button', { type: 'button', class: 'sc-button sc-contact-open', 'data-track': 'contact_open', t: 'contactUs' }));
  row.append(extras);
}
