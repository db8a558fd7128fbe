"""Comment threads on a map: anchored to the map or something in it, with replies
one level deep, @mentions of workspace members and resolve/reopen."""
