"""``python -m claimscope.cli``: the ``claimscope`` command."""

from claimscope.cli import main

main()
