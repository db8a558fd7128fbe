// MapSync's socket: opening it (with a ticket, or after checking the session),
// closing codes, reconnecting with backoff and the heartbeat watchdog. Functions
// over the MapSync instance (map-sync.js), whose fields they share.

import { onFrame } from "./frames.js";

const OFFLINE_AFTER_FAILURES = 5;

export async function connect(sync) {
  if (sync._closed || sync._sessionLost) return;
  if (sync._status !== "offline") sync._setStatus(sync._everOnline ? "reconnecting" : "connecting");
  let url = sync.url;
  try {
    if (sync.getTicket) {
      const ticket = await sync.getTicket();
      url += (url.includes("?") ? "&" : "?") + "ticket=" + encodeURIComponent(ticket);
    } else if (sync.checkSession && sync._everOnline) {
      const ok = await sync.checkSession();
      if (ok === false) {
        loseSession(sync);
        return;
      }
    }
  } catch {
    if (!sync._closed) failed(sync);
    return;
  }
  if (sync._closed) return;
  let ws;
  try {
    ws = new sync.WebSocketImpl(url);
  } catch {
    failed(sync);
    return;
  }
  sync._ws = ws;
  sync._welcomed = false;
  sync._early = [];
  ws.onopen = () => {
    if (ws !== sync._ws) return;
    sync._send({ type: "hello", client_id: sync.clientId, last_seq: sync._lastSeq });
    armWatchdog(sync);
  };
  ws.onmessage = (event) => {
    if (ws !== sync._ws) return;
    armWatchdog(sync);
    let frame;
    try {
      frame = JSON.parse(event.data);
    } catch {
      return;
    }
    if (frame && typeof frame === "object") onFrame(sync, frame);
  };
  ws.onerror = () => {};
  ws.onclose = (event) => {
    if (ws !== sync._ws) return;
    onSocketClosed(sync, event || {});
  };
}

function loseSession(sync) {
  sync._sessionLost = true;
  sync._setStatus("offline");
  sync._emit("session", { reason: "expired" });
}

export function onSocketClosed(sync, event) {
  sync._ws = null;
  sync._welcomed = false;
  sync._clear("watchdog");
  sync._clear("presence");
  sync._clear("gap");
  sync._queue.requeueAll();
  for (const id of sync._retryTimers.values()) sync.clearTimeout(id);
  sync._retryTimers.clear();
  if (sync._closed) return;
  if (event.code === 4401 && !sync.getTicket && !sync.checkSession) {
    loseSession(sync);
    return;
  }
  if (event.code === 4403 || event.code === 4404) {
    // No longer allowed on sync map, or it is gone: retrying cannot help.
    sync._closed = true;
    sync._setStatus("offline");
    const code = event.code === 4403 ? "forbidden" : "not_found";
    sync._emit("error", { type: "error", code, message: event.reason || code });
    return;
  }
  failed(sync);
}

function failed(sync) {
  sync._failures += 1;
  const offline = !sync.isOnline() || sync._failures >= OFFLINE_AFTER_FAILURES;
  sync._setStatus(offline ? "offline" : "reconnecting");
  const delay = sync.backoff.next();
  sync._clear("reconnect");
  sync._timers.reconnect = sync.setTimeout(() => {
    sync._timers.reconnect = null;
    connect(sync);
  }, delay);
}

function armWatchdog(sync) {
  sync._clear("watchdog");
  if (!sync.heartbeatTimeoutMs) return;
  sync._timers.watchdog = sync.setTimeout(() => {
    // No frame (not even a heartbeat) for too long: the socket is dead.
    sync._timers.watchdog = null;
    dropSocket(sync);
  }, sync.heartbeatTimeoutMs);
}

// Give up on this socket and connect again (with backoff), as if it had closed.
export function dropSocket(sync) {
  const ws = sync._ws;
  if (!ws) return;
  sync._ws = null;
  ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
  try {
    ws.close(4000);
  } catch {
    // ignore
  }
  onSocketClosed(sync, { code: 4000 });
}

