"""Format kits that know no pack: theme, charts, PDF, Word, spreadsheets and exhibit pages."""
