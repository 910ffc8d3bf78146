"""The PDF kit every pack uses: look and fonts, escaping, page records, the one layout engine, blocks,
exhibit sheets, and the joiner that stamps, links and outlines the finished document."""
