// Small notices at the bottom of the screen, optionally with one action (Undo).

export class Toasts {
  constructor(host) {
    this.host = host;
  }

  // ``key``: a notice about the same thing replaces the one on screen rather than
  // stacking (a double-click on a locked card is two clicks, but one notice).
  show(message, { action = null, kind = "info", timeout = 5000, key = null } = {}) {
    if (key) {
      for (const old of this.host.querySelectorAll(".toast")) {
        if (old.dataset.key === key) old.remove();
      }
    }
    const toast = document.createElement("div");
    if (key) toast.dataset.key = key;
    toast.className = `toast toast-${kind}`;
    const text = document.createElement("span");
    text.textContent = message;
    toast.append(text);
    if (action) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "toast-action";
      button.textContent = action.label;
      button.addEventListener("click", () => {
        action.run();
        toast.remove();
      });
      toast.append(button);
    }
    this.host.append(toast);
    while (this.host.children.length > 4) this.host.firstElementChild.remove();
    setTimeout(() => {
      toast.classList.add("leaving");
      setTimeout(() => toast.remove(), 300);
    }, timeout);
    return toast;
  }
}
