"""Django is untyped; only its choices enums are typed here (see models/enums.pyi)."""

from typing import Any

def __getattr__(name: str) -> Any: ...
