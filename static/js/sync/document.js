// The map document on the client: committed ops (mirroring maps/document.py
// exactly, so the browser and the server rebuild the same state from the op
// log) and optimistic application of the user's own unconfirmed ops.

export const COLLECTIONS = {
  phase: "phases",
  stage: "stages",
  lane: "lanes",
  card: "cards",
  touchpoint: "touchpoints",
  moment: "moments",
  emotion: "emotions",
  persona_link: "persona_links",
};
export const ORDERED = new Set(["phases", "stages", "lanes", "cards", "touchpoints", "moments", "persona_links"]);

// Fields that choose the sibling group an item is ordered within (maps/entities.py).
export const CONTAINERS = {
  phase: [],
  stage: ["phase"],
  lane: [],
  card: ["stage", "lane"],
  touchpoint: ["stage", "lane"],
  moment: ["stage", "lane"],
  emotion: ["stage", "persona"],
  persona_link: [],
};

// What a delete of each parent takes with it (maps/entities.py CASCADES).
export const CASCADES = {
  phase: [["stage", "phase"]],
  stage: [["card", "stage"], ["touchpoint", "stage"], ["moment", "stage"], ["emotion", "stage"]],
  lane: [["card", "lane"], ["touchpoint", "lane"], ["moment", "lane"]],
};

const PLACEMENT_KEYS = new Set(["after", "before", "position"]);

// Python compares str by code point; JS `<` by UTF-16 unit. They differ only
// past the BMP, but the document must sort exactly as the server's does.
export function compareStrings(a, b) {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if ((x >= 0xd800 && x <= 0xdbff) || (y >= 0xd800 && y <= 0xdbff)) {
        return a.codePointAt(i) < b.codePointAt(i) ? -1 : 1;
      }
      return x < y ? -1 : 1;
    }
  }
  return a.length < b.length ? -1 : 1;
}

function positionOf(item) {
  const p = item.position;
  return p === undefined || p === null ? "" : p;
}

function byPositionThenId(a, b) {
  return compareStrings(positionOf(a), positionOf(b)) || compareStrings(a.id, b.id);
}

function byId(a, b) {
  return compareStrings(a.id, b.id);
}

export function emptyDocument(mapFields = null) {
  const doc = { map: { ...(mapFields || {}), seq: 0 } };
  for (const collection of Object.values(COLLECTIONS)) doc[collection] = [];
  return doc;
}

export function cloneDocument(doc) {
  return typeof structuredClone === "function" ? structuredClone(doc) : JSON.parse(JSON.stringify(doc));
}

// Documents are copy-on-write: applyOps and applyPendingOps never change an item
// object or a collection array in place, they put new ones in the document. So a
// document can share its arrays and items with another (see shareDocument), and
// a frame costs a copy of what it touches, not of the whole map.

// Collection arrays known to be in display order; an untouched collection is
// then not sorted again.
const SORTED = new WeakSet();

/** A new document sharing every collection and item with `doc` (cheap). */
export function shareDocument(doc) {
  return { ...doc, map: { ...(doc.map || {}) } };
}

// A Map per collection, built on first use: a batch touching cards never walks
// the stages or the emotion points.
class Index {
  constructor(doc) {
    this.doc = doc;
    this.maps = new Map();
    this.reordered = new Set();
  }

  get(collection) {
    let items = this.maps.get(collection);
    if (!items) {
      items = new Map();
      for (const item of this.doc[collection] || []) items.set(item.id, item);
      this.maps.set(collection, items);
    }
    return items;
  }

  // Set an item; a new one or a new position may change the order.
  put(collection, item, { reorders = true } = {}) {
    this.get(collection).set(item.id, item);
    if (reorders) this.reordered.add(collection);
  }

  // Every collection present and in order, as maps/document.py leaves it; the
  // arrays of untouched, already ordered collections are kept.
  writeBack() {
    for (const collection of Object.values(COLLECTIONS)) {
      const items = this.maps.get(collection);
      const current = this.doc[collection];
      if (!items && current && SORTED.has(current)) continue;
      const values = items ? Array.from(items.values()) : [...(current || [])];
      if (!(current && SORTED.has(current)) || this.reordered.has(collection)) {
        values.sort(ORDERED.has(collection) ? byPositionThenId : byId);
      }
      SORTED.add(values);
      this.doc[collection] = values;
    }
  }
}

/** Apply one committed (canonical) batch and return the document (its arrays and items are replaced). */
export function applyOps(doc, ops, seq = null) {
  const index = new Index(doc);
  for (const op of ops) {
    const entity = op.entity;
    const fields = op.fields || {};
    if (entity === "map") {
      doc.map = { ...doc.map, ...fields };
      continue;
    }
    const collection = COLLECTIONS[entity];
    const kind = op.op;
    if (kind === "create" || kind === "restore") {
      index.put(collection, { id: op.id, ...fields });
      for (const child of op.cascade || []) {
        index.put(COLLECTIONS[child.entity], { id: child.id, ...child.fields });
      }
    } else if (kind === "update" || kind === "move") {
      const items = index.get(collection);
      const item = items.get(op.id);
      if (item) index.put(collection, { ...item, ...fields }, { reorders: kind === "move" || "position" in fields });
    } else if (kind === "delete") {
      index.get(collection).delete(op.id);
      for (const child of op.cascade || []) index.get(COLLECTIONS[child.entity]).delete(child.id);
    }
  }
  index.writeBack();
  if (seq !== null && seq !== undefined) doc.map = { ...doc.map, seq };
  return doc;
}

/** A copy of one collection in display order. */
export function sortedItems(doc, collection) {
  const items = [...(doc[collection] || [])];
  items.sort(ORDERED.has(collection) ? byPositionThenId : byId);
  return items;
}

/** The entity ids a batch touches (cascades included), for partial re-renders. */
export function touchedItems(ops) {
  const out = [];
  for (const op of ops) {
    out.push({ entity: op.entity, id: op.entity === "map" ? null : op.id });
    for (const child of op.cascade || []) out.push({ entity: child.entity, id: child.id });
  }
  return out;
}

/**
 * A temporary sort key strictly between `lo` and `hi` (either may be null).
 * Only for display until the server's canonical op arrives: the server alone
 * computes real keys, so this need not be short or follow its scheme.
 */
export function keyBetween(lo, hi) {
  if (lo === null && hi === null) return "a0";
  if (hi === null) return lo + "~";
  if (lo === null) {
    const c = hi.charCodeAt(0);
    return hi.length && c > 0 ? String.fromCharCode(c - 1) + "~" : hi;
  }
  if (compareStrings(lo, hi) >= 0) return lo + "~";
  if (hi.startsWith(lo)) {
    const c = hi.charCodeAt(lo.length);
    return c > 0 ? lo + String.fromCharCode(c - 1) + "~" : lo;
  }
  // lo is smaller at some index inside lo: any extension of lo stays below hi.
  return lo + "~";
}

function sameContainer(entity, a, b) {
  for (const key of CONTAINERS[entity] || []) {
    const x = a[key] === undefined ? null : a[key];
    const y = b[key] === undefined ? null : b[key];
    if (x !== y) return false;
  }
  return true;
}

function place(index, entity, item, placement) {
  const siblings = Array.from(index.get(COLLECTIONS[entity]).values())
    .filter((other) => other.id !== item.id && sameContainer(entity, other, item))
    .sort(byPositionThenId);
  const positions = siblings.map(positionOf);
  const at = (id) => (id ? siblings.findIndex((s) => s.id === id) : -1);
  const i = at(placement.after);
  if (i >= 0) return keyBetween(positions[i], i + 1 < positions.length ? positions[i + 1] : null);
  const j = at(placement.before);
  if (j >= 0) return keyBetween(j > 0 ? positions[j - 1] : null, positions[j]);
  return keyBetween(positions.length ? positions[positions.length - 1] : null, null);
}

function removeWithChildren(index, entity, id, graveyard, taken) {
  const items = index.get(COLLECTIONS[entity]);
  const item = items.get(id);
  if (!item) return;
  items.delete(id);
  taken.push({ entity, item });
  let children = CASCADES[entity] || [];
  let value = id;
  if (entity === "persona_link") {
    children = [["emotion", "persona"]];
    value = item.persona;
  }
  for (const [child, key] of children) {
    for (const other of Array.from(index.get(COLLECTIONS[child]).values())) {
      if (other[key] === value) removeWithChildren(index, child, other.id, graveyard, taken);
    }
  }
}

function withoutPlacement(fields) {
  const out = {};
  for (const [key, value] of Object.entries(fields || {})) {
    if (!PLACEMENT_KEYS.has(key) && key !== "if_version") out[key] = value;
  }
  return out;
}

/**
 * Apply the user's own unconfirmed ops in place, for display (optimistic).
 *
 * Accepts both what the client sends (a create/move naming `after`/`before`
 * neighbours, a delete without its cascade, a bare restore) and canonical ops.
 * `graveyard` (Map "entity:id" -> [{entity, item}, ...]) remembers what deletes
 * took away so that an undo (`restore`) shows at once; it is filled as it goes.
 */
export function applyPendingOps(doc, ops, graveyard = new Map()) {
  const index = new Index(doc);
  for (const op of ops) {
    const entity = op.entity;
    const fields = op.fields || {};
    if (entity === "map") {
      doc.map = { ...doc.map, ...withoutPlacement(fields) };
      continue;
    }
    const collection = COLLECTIONS[entity];
    if (!collection) continue;
    const items = index.get(collection);
    const kind = op.op;
    if (kind === "create" || (kind === "restore" && Object.keys(withoutPlacement(fields)).length)) {
      const item = { id: op.id, version: 0, ...withoutPlacement(fields) };
      if (entity === "emotion") {
        // The server upserts on (stage, persona): show the same.
        const twin = Array.from(items.values()).find((o) => o.id !== op.id && sameContainer("emotion", o, item));
        if (twin) {
          index.put(collection, { ...twin, ...withoutPlacement(fields), id: twin.id });
          continue;
        }
      }
      if (ORDERED.has(collection)) {
        item.position = typeof fields.position === "string" ? fields.position : place(index, entity, item, fields);
      }
      index.put(collection, item);
      for (const child of op.cascade || []) {
        index.put(COLLECTIONS[child.entity], { id: child.id, ...child.fields });
      }
    } else if (kind === "restore") {
      for (const { entity: name, item } of graveyard.get(`${entity}:${op.id}`) || []) {
        index.put(COLLECTIONS[name], { ...item });
      }
    } else if (kind === "update") {
      const item = items.get(op.id);
      const changes = withoutPlacement(fields);
      if (item) index.put(collection, { ...item, ...changes }, { reorders: "position" in changes });
    } else if (kind === "move") {
      const old = items.get(op.id);
      if (!old) continue;
      const item = { ...old };
      for (const key of CONTAINERS[entity] || []) if (key in fields) item[key] = fields[key];
      if (typeof fields.version === "number") item.version = fields.version;
      if (ORDERED.has(collection)) {
        item.position = typeof fields.position === "string" ? fields.position : place(index, entity, item, fields);
      }
      index.put(collection, item);
    } else if (kind === "delete") {
      const taken = [];
      removeWithChildren(index, entity, op.id, graveyard, taken);
      for (const child of op.cascade || []) {
        const childItems = index.get(COLLECTIONS[child.entity]);
        if (childItems.has(child.id)) {
          taken.push({ entity: child.entity, item: childItems.get(child.id) });
          childItems.delete(child.id);
        }
      }
      if (taken.length) graveyard.set(`${entity}:${op.id}`, taken);
    }
  }
  index.writeBack();
  return doc;
}

/** Remember what committed deletes remove, so a pending restore can show it. */
export function recordDeletes(doc, ops, graveyard, limit = 200) {
  for (const op of ops) {
    if (op.op !== "delete" || op.entity === "map") continue;
    const taken = [];
    const find = (entity, id) => (doc[COLLECTIONS[entity]] || []).find((item) => item.id === id);
    const own = find(op.entity, op.id);
    if (own) taken.push({ entity: op.entity, item: { ...own } });
    for (const child of op.cascade || []) {
      const item = find(child.entity, child.id);
      if (item) taken.push({ entity: child.entity, item: { ...item } });
    }
    if (!taken.length) continue;
    graveyard.delete(`${op.entity}:${op.id}`);
    graveyard.set(`${op.entity}:${op.id}`, taken);
    while (graveyard.size > limit) graveyard.delete(graveyard.keys().next().value);
  }
}
