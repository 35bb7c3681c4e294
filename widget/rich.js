// Rich reply blocks (core/rich.py) under a bot message: images, videos, cards, carousels (and
// buttons, from actions.js). log.js imports this module the first time a message carries blocks
// other than buttons, so it weighs nothing at first open. Server data reaches the DOM only as text
// nodes and attributes; every URL goes through safeUrl.

import { MEDIA_BASE, buttonsView, linkView, markLang, safeUrl, text } from './actions.js';
import { el, icon, uniqueId } from './ui.js';
import { views } from './i18n.js';

await views(); // this view's strings in the visitor's language (i18n.js)

const STYLES = new URL('rich.css', import.meta.url).href;
const ICON_PREVIOUS = ['M15 5l-7 7 7 7'];
const ICON_NEXT = ['M9 5l7 7-7 7'];

let styled = null;

/** rich.css, loaded once; blocks are shown when it has arrived (or failed). */
function styles() {
  if (!styled) {
    styled = new Promise((done) => {
      document.head.append(el('link', { rel: 'stylesheet', href: STYLES, onload: done, onerror: done }));
    });
  }
  return styled;
}

function imageView(block) {
  const src = safeUrl(block.url, MEDIA_BASE);
  const alt = text(block.alt);
  // Without a description a screen reader could only read the address.
  if (!src || !alt) return null;
  return el('img', { class: 'sc-rich-image', src, alt, loading: 'lazy', decoding: 'async' });
}

function videoView(block) {
  const src = safeUrl(block.url, MEDIA_BASE);
  const title = text(block.title);
  if (!src || !title) return null;
  return el('video', {
    class: 'sc-rich-video', src, controls: true, preload: 'none', title, 'aria-label': title,
    poster: block.poster ? safeUrl(block.poster, MEDIA_BASE) : null,
  });
}

function cardView(block) {
  const title = text(block.title);
  if (!title) return null;
  const image = block.image ? safeUrl(block.image, MEDIA_BASE) : null;
  const alt = text(block.alt);
  const link = block.link && typeof block.link === 'object' ? block.link : null;
  const href = link && text(link.label) ? safeUrl(link.url) : null;
  return el('div', { class: 'sc-card', 'data-track': 'card' },
    image && alt ? el('img', { class: 'sc-card-image', src: image, alt, loading: 'lazy', decoding: 'async' }) : null,
    el('div', { class: 'sc-card-body' },
      el('p', { class: 'sc-card-title', dir: 'auto' }, title),
      text(block.price) ? el('p', { class: 'sc-card-price', dir: 'auto' }, text(block.price)) : null,
      text(block.text) ? el('p', { class: 'sc-card-text', dir: 'auto' }, text(block.text)) : null,
      href ? linkView(text(link.label), href, 'sc-card-link', 'card.link') : null));
}

/**
 * WAI-ARIA carousel: a labelled region, one slide shown at a time (so Tab reaches only its link),
 * "N of M" slide groups, Previous/Next buttons and the arrow keys (mirrored right to left).
 */
function carouselView(block) {
  const cards = (Array.isArray(block.cards) ? block.cards : []).map(cardView).filter(Boolean);
  const label = text(block.label);
  if (!cards.length || !label) return null;
  const total = cards.length;
  const slides = cards.map((card, i) => el('div', {
    class: 'sc-slide', role: 'group', ta: 'aria-roledescription=slide aria-label=slideOf', tv: { n: i + 1, total },
    tabindex: '-1', hidden: i > 0,
  }, card));
  // dir=ltr isolates "1 / 3" from the panel's direction: right to left it would read "3 / 1".
  const count = el('span', { class: 'sc-carousel-count', 'aria-hidden': 'true', dir: 'ltr' });
  const list = el('div', { id: uniqueId('slides'), class: 'sc-slides', 'aria-live': 'polite' }, slides);
  let current = 0;
  const show = (index, focus = false) => {
    current = (index + total) % total; // past the last card comes the first again
    slides.forEach((slide, i) => {
      slide.hidden = i !== current;
    });
    count.textContent = `${current + 1} / ${total}`;
    if (focus) slides[current].focus();
  };
  const arrow = (name, key, step, paths) => el('button', {
    type: 'button', class: `sc-icon sc-carousel-${name}`, 'data-track': `carousel.${name}`, ta: `aria-label=${key}`, 'aria-controls': list.id,
    onclick: () => show(current + step),
  }, icon(paths));
  const node = el('section', { class: 'sc-carousel', 'aria-label': label, ta: 'aria-roledescription=carousel' },
    el('div', { class: 'sc-carousel-controls' },
      arrow('prev', 'previous', -1, ICON_PREVIOUS), count, arrow('next', 'next', 1, ICON_NEXT)),
    list);
  node.addEventListener('keydown', (event) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    const forward = (event.key === 'ArrowRight') !== (getComputedStyle(node).direction === 'rtl');
    // From inside a slide, focus follows to the next one (the old one is hidden).
    show(current + (forward ? 1 : -1), slides[current].contains(document.activeElement));
  });
  show(0);
  return node;
}

const VIEWS = { image: imageView, video: videoView, card: cardView, carousel: carouselView, buttons: buttonsView };

/**
 * The nodes for a message's blocks, in the business's language (lang); a block of an unknown type
 * or one that fails the checks is left out.
 */
export async function renderBlocks(blocks, lang) {
  await styles();
  return (Array.isArray(blocks) ? blocks : []).map((block) => {
    const view = block && typeof block === 'object' ? VIEWS[block.type] : null;
    return markLang(view ? view(block) : null, lang);
  }).filter(Boolean);
}
