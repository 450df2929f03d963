"""App: the facade every client uses, and what runs behind it.

``Engine`` wires the rooms below for the command line, the window's bridge and the HTTP
server; the indexing service runs jobs and watching on a thread of its own; the
evaluation drives an engine over a copy of a library (so it sits on this floor).
"""
