"""One module per action type: its lookup, its create (or delete), its inverse.

``registry.HANDLERS`` maps every action type, forward or inverse, to its
:class:`~migrate.load.handlers.base.Handler`; the executor dispatches from it.
"""
