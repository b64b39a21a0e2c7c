"""Executable notes: Python snippets run at build time in worker processes.

`options` decides which fenced blocks run and with what options; `runner` executes one
note's blocks in one namespace and captures their outputs (it is what a worker runs);
`worker` is the worker process; `pool` keeps warm workers with time limits and crash
recovery; `cache` stores results by content, as data (`records`: the JSON form of a
result, on disk and on the worker pipe; `seal`: namespace snapshots load only under this
user's HMAC); `signals` and `scratch` keep builds from leaving processes or sharing files;
`session` plans one build's executions and
hands results to `fence`, the superfences formatter that renders them; `outputs` names
each block's figures, writes them into the vault for Obsidian (the `render` command) and
shows the fresh figure where a note embeds one.
"""
