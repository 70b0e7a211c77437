// Building page elements: the one helper every page's script uses.

/**
 * An element `tag` with `attrs` and `children`. Attributes that are null, undefined or
 * false are left out, true gives an empty attribute; `on…` attributes are event
 * listeners and `text` sets the text. Children may be nested arrays; null and
 * undefined ones are skipped.
 */
export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v === true ? "" : v);
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
  return node;
}
