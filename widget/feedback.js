// Helpful / Not helpful under a bot answer, and the optional comment after "Not helpful".
// extras.js imports this module with the first answer shown, so it is not part of the first open.
// The server keeps one rating per answer (a new choice replaces the old one), so changing one's
// mind or adding a comment never counts twice.

import { translate, views } from './i18n.js';
import { el } from './ui.js';

await views(); // this view's strings in the visitor's language (i18n.js)

/**
 * The rating buttons of one answer: toggle buttons (aria-pressed) named "Helpful" and "Not
 * helpful", a status line that says what was done, and after "Not helpful" a comment box (Enter
 * or Send sends it, Escape closes it). rating: the earlier choice (1, -1 or null); send(rating,
 * comment) posts one. Returns {node, set(rating)}.
 */
export function ratingView({ rating, send }) {
  let current = rating;
  let box = null;
  const said = el('span', { class: 'sc-sr-only', role: 'status' });
  const button = (value, key, face) => el('button', {
    type: 'button', class: 'sc-rate-button', 'data-track': value > 0 ? 'rate.up' : 'rate.down', ta: `aria-label=${key} title=${key}`, 'aria-pressed': 'false',
    onclick: () => choose(value),
  }, face); // the name is aria-label's: the emoji is not read out
  const up = button(1, 'helpful', '👍');
  const down = button(-1, 'notHelpful', '👎');
  const node = el('div', { class: 'sc-rate', role: 'group', ta: 'aria-label=rate' }, up, down, said);

  const show = () => {
    up.setAttribute('aria-pressed', String(current === 1));
    down.setAttribute('aria-pressed', String(current === -1));
  };
  const say = (key) => {
    said.dataset.t = key;
    translate(said);
  };
  const post = (value, comment, thanks) => {
    const before = current;
    current = value;
    show();
    say(thanks);
    send(value, comment).catch(() => {
      current = before;
      show();
      say('error');
    });
  };
  const closeBox = (focus = true) => {
    if (box) box.remove();
    box = null;
    if (focus) down.focus();
  };
  const openBox = () => {
    const input = el('input', {
      type: 'text', class: 'sc-rate-input', 'data-track': 'rate.comment', maxlength: '2000', dir: 'auto', ta: 'aria-label=better placeholder=better',
    });
    box = el('form', { class: 'sc-rate-comment' }, input,
      el('button', { type: 'submit', class: 'sc-button', 'data-track': 'rate.send', t: 'send' }));
    box.addEventListener('submit', (event) => {
      event.preventDefault();
      const comment = input.value.trim();
      if (comment) post(-1, comment, 'thanksComment');
      closeBox();
    });
    box.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape' || event.isComposing) return;
      event.preventDefault();
      event.stopPropagation(); // this Escape closes the box, not the panel
      closeBox();
    });
    node.after(box);
    input.focus();
  };
  function choose(value) {
    if (value !== current) post(value, null, 'thanksRating'); // the same choice again posts nothing
    if (value === -1 && !box) openBox();
    else if (value === 1 && box) closeBox(false);
  }
  show();
  return {
    node,
    set(value) {
      current = value;
      show();
    },
  };
}
