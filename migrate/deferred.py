"""Modules whose code runs on first use, so a command that never needs them starts faster.

This is the ``importlib.util.LazyLoader`` recipe of the importlib documentation:
the module object is bound at import time (the arrow is where it always was,
at the top of the importing module), and its code runs at the first attribute
access. pandas is the one such module: only ``billing`` uses it, and importing
it cost every other command, ``status`` included, about 0.4 s of its start.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def deferred(name: str) -> ModuleType:
    """``name``'s module, its code run when one of its attributes is first read."""
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
