"""Pure rule functions of RULES.md: plain values in, plain values out.

Nothing in this package imports Flask, SQLAlchemy or the rest of the app, reads the
clock or touches I/O; views, services and CLI call it (STYLE.md).
"""
