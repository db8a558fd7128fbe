// Exponential backoff with full jitter: spreads the reconnects of many tabs
// after a server restart instead of having them all knock at once.

export class Backoff {
  constructor({ baseMs = 250, maxMs = 10000, random = Math.random } = {}) {
    this.baseMs = baseMs;
    this.maxMs = maxMs;
    this.random = random;
    this.attempt = 0;
  }

  /** The delay before the next attempt, in ms (0 <= delay <= cap). */
  next() {
    const cap = Math.min(this.maxMs, this.baseMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.floor(this.random() * cap);
  }

  reset() {
    this.attempt = 0;
  }
}
