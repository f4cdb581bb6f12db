"""``python -m policykg.cli``: the same as the ``policykg`` command."""

from policykg.cli import main

main()
