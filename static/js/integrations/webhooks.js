// The Integrations page follows its pending deliveries: while a log shows one,
// the page is fetched again every two seconds and each delivery log and "Last
// delivery" line is swapped for the fresh one. The server renders them, so the
// page keeps one language, one escaping and one look (no second template here).

const POLL_MS = 2000;
const GIVE_UP_MS = 3 * 60 * 1000;
const started = Date.now();
const PARTS = [["data-log", "log"], ["data-last", "last"]];

const hasPending = () => document.querySelector('[data-log] tr[data-status="pending"]') !== null;
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

async function refresh() {
  const response = await fetch(location.pathname + location.search, {
    credentials: "same-origin", headers: { Accept: "text/html" },
  });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
  for (const [attribute, key] of PARTS) {
    for (const element of document.querySelectorAll(`[${attribute}]`)) {
      const id = element.dataset[key];
      const update = fresh.querySelector(`[${attribute}="${CSS.escape(id)}"]`);
      if (update) element.replaceChildren(...[...update.childNodes].map((node) => document.importNode(node, true)));
    }
  }
}

async function follow() {
  while (hasPending() && Date.now() - started < GIVE_UP_MS) {
    await sleep(POLL_MS);
    try {
      await refresh();
    } catch {
      // Offline for a moment: the next round tries again.
    }
  }
}

follow();
