"""Print work without Django: WeasyPrint and PDFium, run in the worker or in helper processes.

A print job is cut into parts (runs of pages, or horizontal slices of the poster)
whose HTML is complete on its own, so helper processes can lay the parts out in
parallel (``pool``); the worker then merges the PDFs (``pdf``: PDFium copies pages,
about 20 ms for 40 pages) or stitches the PNG (``png``). Layout is single-threaded
Python in WeasyPrint, so this is the only way to use more than one core for one
export. Nothing in this package imports Django: a helper imports only what it runs.
"""
