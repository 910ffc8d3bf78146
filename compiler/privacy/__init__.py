"""Personal data: the roster, identifier detection, keyed pseudonyms and small-number suppression."""
