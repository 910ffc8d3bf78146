"""What `sgpack check` and `sgpack evidence` print: findings like a linter, and the same as JSON."""
