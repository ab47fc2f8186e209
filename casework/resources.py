"""Where the rule files (states/) and letter templates (templates/) are found.

An installed wheel carries both inside the package (``casework/_bundled``); an editable
checkout reads them from the repository's top level. Settings may point at an edited copy.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def bundled_dir(name: str) -> Path:
    """The shipped copy of ``states`` or ``templates``."""
    packaged = Path(str(files("casework") / "_bundled" / name))
    if packaged.is_dir():
        return packaged
    # Editable install or a plain checkout: the directory sits beside the package.
    return Path(__file__).resolve().parent.parent / name
