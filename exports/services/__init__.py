"""Exports, in the order an export flows through them (each module imports only
those after it; this package imports none of them):

``request`` (options checked, snapshot read, content hashed, job queued) ->
``jobs`` (a worker claims the job) -> ``render`` (the format's renderer) ->
``sections`` (the snapshot laid out into printed pages, with ``appendix``,
``pieces``, ``layout``, ``measure`` and ``marks``) -> HTML per part, rendered and
merged by ``exports.printing`` -> ``files`` (named by content hash). ``progress``
tells the requester on the way.
"""
