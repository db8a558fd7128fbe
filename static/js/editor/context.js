// What the editor's modules share, in one object handed to each of them: the page's
// settings and strings, the board and the page-wide widgets, and the document. No
// module keeps state that another one reads.
export function createEditorContext({ config, strings, initialDoc, board, toasts, popover, undo }) {
  return {
    config,
    s: strings,
    initialDoc,
    board,
    toasts,
    popover,
    undo,
    // Set once built: the panel writes through the commands, which need this context.
    panel: null,
    // The live sync module once connected (live.js); until then, or when it cannot
    // load, the document the page was rendered with.
    sync: null,
    localDoc: initialDoc,
    currentDoc() {
      return this.sync ? this.sync.doc : this.localDoc;
    },
  };
}
