// The panel's message box (input and Send) and its FAQ autocomplete.

import { el, uniqueId } from './ui.js';

/**
 * FAQ autocomplete over api.suggestions(q). composer() builds `input` as a WAI-ARIA combobox (role,
 * aria-autocomplete, aria-controls) controlling the listbox `list`; focus stays in the input.
 * pick(question) sends one; lang() is the questions' language (the business's). Returns
 * {update(), keydown(event), close()}: update() runs on input, keydown() returns true when it
 * handled the key, close() runs on send. Failures are silent.
 */
export function suggestBox(api, input, list, pick, lang) {
  let timer;
  let pending = null; // the latest request; answers to older ones are dropped
  let active = -1;
  list.addEventListener('mousedown', (event) => event.preventDefault()); // no blur, so the click lands
  const attr = (name, value) => input.setAttribute(name, value);

  const setActive = (index) => {
    active = index;
    [...list.children].forEach((option, i) => option.setAttribute('aria-selected', i === index));
    const option = list.children[index];
    if (!option) return input.removeAttribute('aria-activedescendant');
    attr('aria-activedescendant', option.id);
    option.scrollIntoView({ block: 'nearest' });
  };

  const show = (questions) => {
    list.replaceChildren(...questions.map((question) => el('div', {
      id: uniqueId('suggestion'), class: 'sc-suggestion', 'data-track': 'suggestion', role: 'option', lang: lang(), dir: 'auto', onclick: () => choose(question),
    }, question)));
    setActive(-1);
    list.hidden = !questions.length;
    attr('aria-expanded', !list.hidden);
  };

  const close = () => {
    clearTimeout(timer);
    if (pending) pending.abort();
    pending = null;
    show([]);
  };

  const choose = (question) => {
    close();
    pick(question);
  };

  const update = () => {
    clearTimeout(timer);
    const q = input.value.trim().slice(0, 200);
    if (q.length < 2) return close();
    timer = setTimeout(async () => {
      if (pending) pending.abort();
      const request = (pending = new AbortController());
      const found = await api.suggestions(q, request.signal).catch(() => []);
      if (pending !== request) return; // a newer query, a send or a close came first
      pending = null;
      const questions = found.map((s) => s && s.question).filter((s) => typeof s === 'string');
      show(document.activeElement === input ? questions.slice(0, 5) : []);
    }, 150);
  };

  const keydown = (event) => {
    const { key } = event;
    const count = list.children.length;
    if (!count || event.isComposing) return false;
    if (key === 'ArrowDown') setActive((active + 1) % count);
    else if (key === 'ArrowUp') setActive((active < 1 ? count : active) - 1);
    else if (key === 'Escape') {
      close();
      event.stopPropagation(); // this Escape closes the list, the next one the panel
    } else if (key === 'Enter' && !event.shiftKey && active >= 0) choose(list.children[active].textContent);
    else return false;
    event.preventDefault();
    return true;
  };

  close();
  input.addEventListener('blur', close);
  return { update, keydown, close };
}

/**
 * onSend() runs on Enter, on Send, and when a suggested question is picked (it is put in the
 * input first); lang() is the suggested questions' language. Returns {node, input, take()}:
 * take() gives the typed text and empties the box ('' when there is nothing to send).
 */
export function composer({ api, lang, onSend }) {
  // The input is a WAI-ARIA combobox over this listbox (an <input> may take that role, a
  // <textarea> may not).
  const list = el('div', {
    id: uniqueId('suggestions'), class: 'sc-suggestions', role: 'listbox', ta: 'aria-label=suggested', hidden: true,
  });
  const input = el('input', {
    type: 'text', class: 'sc-input', 'data-track': 'input', ta: 'aria-label=input placeholder=placeholder', autocomplete: 'off', dir: 'auto', enterkeyhint: 'send',
    role: 'combobox', 'aria-autocomplete': 'list', 'aria-controls': list.id, 'aria-expanded': 'false',
  });
  const suggest = suggestBox(api, input, list, (question) => {
    input.value = question;
    onSend();
  }, lang);
  input.addEventListener('keydown', (event) => {
    if (suggest.keydown(event)) return;
    // keyCode 229: Enter that confirms an IME composition, not a send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      onSend();
    }
  });
  input.addEventListener('input', () => suggest.update());
  const node = el('form', { class: 'sc-composer' },
    list,
    input,
    el('button', { type: 'submit', class: 'sc-button sc-button-primary sc-send', 'data-track': 'send', t: 'send' }));
  node.addEventListener('submit', (event) => {
    event.preventDefault();
    onSend();
  });
  return {
    node,
    input,
    take() {
      const text = input.value;
      if (!text.trim()) return '';
      suggest.close();
      input.value = '';
      return text;
    },
  };
}
