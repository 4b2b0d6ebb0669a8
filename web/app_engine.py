"""The engine an app holds: `create_app` puts it in, every view takes it out with `engine_of`.

A leaf of `web/`, so that the blueprints need not import the package that imports them.
"""

from __future__ import annotations

from flask import Flask, current_app

from engine import Engine

__all__ = ["engine_of"]


def engine_of(app: Flask | None = None) -> Engine:
    """The engine of `app` (default: the current app)."""
    target = app or current_app
    eng: Engine = target.extensions["ltsa_engine"]
    return eng
