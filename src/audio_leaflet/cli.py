"""Command line (DESIGN section 3). Being built: see pipeline.py."""

from __future__ import annotations

import click


@click.group()
def main() -> None:
    """Turn patient-information leaflets into accessible audio."""
