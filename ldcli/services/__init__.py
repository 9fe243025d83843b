"""Use cases: (session, *, keyword args) -> plain data. They flush, never commit, never print.

The caller (the CLI) owns the transaction and puts the actor, command, today's date and the
policy in `session.info`.
"""
