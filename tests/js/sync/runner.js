// A tiny test runner for the browser: test(name, fn), assertions, run().

const tests = [];

export function test(name, fn) {
  tests.push({ name, fn });
}

export class AssertionError extends Error {}

function show(value) {
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

export const assert = {
  ok(value, message = "expected a truthy value") {
    if (!value) throw new AssertionError(message);
  },
  equal(actual, expected, message = "") {
    if (actual !== expected) {
      throw new AssertionError(`${message ? message + ": " : ""}expected ${show(expected)}, got ${show(actual)}`);
    }
  },
  deepEqual(actual, expected, message = "") {
    const a = show(canonical(actual));
    const b = show(canonical(expected));
    if (a !== b) throw new AssertionError(`${message ? message + ": " : ""}expected ${b}, got ${a}`);
  },
};

// Key order does not matter for equality; list order does.
function canonical(value) {
  if (value instanceof Map) return canonical(Object.fromEntries(value));
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === "object") {
    const out = {};
    for (const key of Object.keys(value).sort()) out[key] = canonical(value[key]);
    return out;
  }
  return value;
}

export async function run() {
  const results = [];
  for (const { name, fn } of tests) {
    const started = performance.now();
    try {
      await fn();
      results.push({ name, ok: true, ms: performance.now() - started });
    } catch (err) {
      results.push({ name, ok: false, error: `${err && err.message}\n${(err && err.stack) || ""}` });
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  return { done: true, passed: results.length - failed, failed, results };
}
