"""Run packager as ``python -m packager``."""

from packager.cli import main

if __name__ == "__main__":
    main()
