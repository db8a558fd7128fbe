// One element with a class and text, for the panels and lists built in ui/.
// Text goes through textContent, never innerHTML.
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
