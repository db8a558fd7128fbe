// Fakes injected through MapSync's constructor: a manual clock and a socket.

const realSetTimeout = globalThis.setTimeout.bind(globalThis);

/** Let pending promise callbacks (e.g. an awaited getTicket) run. */
export function settle() {
  return new Promise((resolve) => realSetTimeout(resolve, 0));
}

export class FakeClock {
  constructor() {
    this.t = 0;
    this.timers = new Map();
    this.nextId = 1;
    this.now = () => this.t;
    this.setTimeout = (fn, ms = 0) => {
      const id = this.nextId++;
      this.timers.set(id, { id, at: this.t + Math.max(0, ms || 0), fn });
      return id;
    };
    this.clearTimeout = (id) => {
      this.timers.delete(id);
    };
  }

  /** Move time forward, firing due timers in order (and settling promises between). */
  async advance(ms) {
    const end = this.t + ms;
    for (;;) {
      let next = null;
      for (const timer of this.timers.values()) {
        if (timer.at <= end && (next === null || timer.at < next.at || (timer.at === next.at && timer.id < next.id))) {
          next = timer;
        }
      }
      if (next === null) break;
      this.timers.delete(next.id);
      this.t = next.at;
      next.fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

/** A WebSocket class whose instances the test drives by hand. */
export function fakeSocketClass() {
  class FakeWebSocket {
    constructor(url) {
      this.url = url;
      this.readyState = 0;
      this.sent = [];
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      FakeWebSocket.instances.push(this);
    }

    send(data) {
      if (this.readyState !== 1) throw new Error("send on a socket that is not open");
      this.sent.push(JSON.parse(data));
    }

    close(code = 1000) {
      this.readyState = 3;
      this.closedWith = code;
    }

    // -- driven by the test --
    open() {
      this.readyState = 1;
      this.onopen && this.onopen({});
    }

    receive(frame) {
      this.onmessage && this.onmessage({ data: JSON.stringify(frame) });
    }

    drop(code = 1006) {
      this.readyState = 3;
      this.onclose && this.onclose({ code });
    }

    sentOfType(type) {
      return this.sent.filter((f) => f.type === type);
    }
  }
  FakeWebSocket.instances = [];
  FakeWebSocket.last = () => FakeWebSocket.instances[FakeWebSocket.instances.length - 1];
  return FakeWebSocket;
}
