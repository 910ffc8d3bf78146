"""The Word kit every pack uses: run-level OOXML helpers (links, bookmarks, chips), docxtpl template rendering
with every value escaped, the rendered document fitted to its page (columns sized from their content, RAG
cells shaded, headers and footers on one line), and the package written the same way every time."""
