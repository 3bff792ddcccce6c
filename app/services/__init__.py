"""Use cases: load rows, call rules, write, audit, commit (one function per use case)."""
