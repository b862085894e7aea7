"""``python -m sphinx_cjm``: the ``sphinx-cjm`` command line."""

from .cli import main

raise SystemExit(main())
