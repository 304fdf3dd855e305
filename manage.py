#!/usr/bin/env python
"""Django's manage.py; the `kring` console command does the same."""

from kring.cli import main

if __name__ == "__main__":
    main()
