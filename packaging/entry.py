"""PyInstaller entry point of the frozen ``mmguide``: the same ``main`` as ``python -m app``."""

from app.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main())
