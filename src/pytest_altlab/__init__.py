"""pytest-altlab: hands-on lab exams graded by pytest against real services in Docker."""

from __future__ import annotations

from .catalog import Catalog
from .context import LabContext
from .errors import AltlabError
from .lab import LabRunner
from .manifest import LabManifest, load_manifest

__all__ = ["AltlabError", "Catalog", "LabContext", "LabManifest", "LabRunner", "__version__", "load_manifest"]
__version__ = "0.1.0"
