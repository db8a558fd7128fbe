"""Workshop sessions on a map: a timer, dot voting, follow me and present mode,
run over the map socket (``session`` frames: README, "Workshop sessions")."""
