"""Operator tools: ``botctl`` behind the make targets, ``cmd`` for the command facade."""
