"""Executing a plan against Webex: journal, workspace lock, executor, rollback."""
