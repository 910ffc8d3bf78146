"""Views: pure functions from a Pack (and the build options) to plain dataclasses, one module per pack,
over one shared vocabulary of words. No file is touched and no rendering library is imported here."""
