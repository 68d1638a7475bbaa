"""The command layer: one function per stage, each taking :class:`Settings` and returning a
result whose report is already written (the shape of alembic's ``command`` module).

Stages print nothing and never import click: the CLI builds the settings, calls
the stage, renders its result (text or ``--json``) and exits with its code.
"""
