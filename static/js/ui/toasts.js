// Small notices at the bottom of the screen, optionally with one action (Undo).

export class Toasts {
  constructor(host) {
    this.host = host;
  }

  show(message, { action = null, kind = "info", timeout = 5000 } = {}) {
    const toast = document.createElement("div");
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
