/**
 * Builds elements without innerHTML: every value from the API becomes a text node, so nothing
 * it returns (event bodies, response snippets, error messages) can inject markup.
 *   h('a', { href: '#/x', class: 'link', onclick: fn, 'aria-label': 'X' }, 'text', childNode)
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') {
      element.addEventListener(name.slice(2), value);
    } else if (name === 'class') {
      element.className = value;
    } else if (name in element && typeof value !== 'string') {
      element[name] = value;
    } else {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's content. */
export function replace(element, ...children) {
  element.replaceChildren();
  append(element, children);
}

let announceTimer;
/** Reads a message to screen-reader users (the global polite live region). */
export function announce(message) {
  const region = document.getElementById('announcer');
  if (!region) return;
  // Cleared first so the same message twice is announced twice.
  region.textContent = '';
  clearTimeout(announceTimer);
  announceTimer = setTimeout(() => {
    region.textContent = message;
  }, 50);
}
