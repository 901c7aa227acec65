"""The one piece of Django the apps lean on for types: the choices enums (django.db.models.enums).

A member of a ``TextChoices`` is a ``str`` whose value is the stored code; without this stub mypy
reads ``ACTIVE = "active", _("有效")`` as a tuple. Everything else in Django stays ``Any``.
"""

import enum
from typing import Any

class ChoicesType(enum.EnumMeta):
    @property
    def names(cls) -> list[str]: ...
    @property
    def choices(cls) -> list[tuple[Any, str]]: ...
    @property
    def labels(cls) -> list[str]: ...
    @property
    def values(cls) -> list[Any]: ...

# Django's bases have no members of their own, only the apps' subclasses do.
class Choices(enum.Enum, metaclass=ChoicesType):  # type: ignore[misc]
    @property
    def label(self) -> str: ...
    @property
    def do_not_call_in_templates(self) -> bool: ...

class IntegerChoices(Choices, enum.IntEnum):  # type: ignore[misc]
    @property
    def value(self) -> int: ...

class TextChoices(Choices, enum.StrEnum):  # type: ignore[misc]
    @property
    def value(self) -> str: ...
