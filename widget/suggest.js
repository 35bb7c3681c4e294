// The FAQ autocomplete of the panel's input.

import { el, uniqueId } from './ui.js';

/**
 * FAQ autocomplete over api.suggestions(q). app.js builds `input` as a WAI-ARIA combobox (role,
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
      id: uniqueId('suggestion'), class: 'sc-suggestion', role: 'option', lang: lang(), dir: 'auto', onclick: () => choose(question),
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
