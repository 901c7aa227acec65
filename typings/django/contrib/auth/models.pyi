"""The user as services see it (gatehouse.accounts.actor): who signed in, and how they are named.

Only what the apps read is typed; any other attribute of a user (fields, ``objects``) is ``Any``.
"""

from typing import Any, ClassVar, Literal

class User:
    objects: ClassVar[Any]
    pk: Any
    id: int
    username: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    @property
    def is_authenticated(self) -> Literal[True]: ...
    @property
    def is_anonymous(self) -> Literal[False]: ...
    def get_full_name(self) -> str: ...
    def get_username(self) -> str: ...
    def __getattr__(self, name: str) -> Any: ...

class AnonymousUser:
    pk: None
    id: None
    username: str
    is_active: Literal[False]
    is_staff: Literal[False]
    is_superuser: Literal[False]
    @property
    def is_authenticated(self) -> Literal[False]: ...
    @property
    def is_anonymous(self) -> Literal[True]: ...
    def get_username(self) -> str: ...

def __getattr__(name: str) -> Any: ...
