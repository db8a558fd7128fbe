// The sync module's entry: MapSync (map-sync.js) and the document functions
// (document.js) that the editor and the tests use.

export { MapSync } from "./map-sync.js";
export { applyOps, applyPendingOps, cloneDocument, emptyDocument, shareDocument } from "./document.js";
