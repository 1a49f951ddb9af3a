"""Cellar's Python kernel internals: zygote, sandbox set-up, session protocol, cell engine.

Cells may import this package (it is on the path), but nothing in it is secret and nothing the
session relies on is reached through it at run time: the session keeps private references.
"""
