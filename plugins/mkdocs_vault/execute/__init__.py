"""Executable notes: Python snippets run at build time in worker processes.

Work in progress (issue 3): `options` parses a block's opt-in marker and options,
`runner` executes one note's blocks in one namespace and captures their outputs,
`pool` keeps warm worker processes with time limits and crash recovery.
The plugin does not call these yet.
"""
