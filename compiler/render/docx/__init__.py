"""The Word kit every pack uses: run-level OOXML helpers (links, bookmarks, chips) and docxtpl template
rendering with every value escaped and the package written the same way every time."""
