"""Who does what with repair orders."""

from __future__ import annotations

from gatehouse.accounts.models import Role

#: The service centre: dispatches, reads the register, records the return visit.
DESK_ROLES = frozenset({str(Role.FRONT_DESK), str(Role.SECURITY_MANAGER)})
#: The maintenance workers: their own orders on the phone.
WORKER_ROLES = frozenset({str(Role.MAINTENANCE)})
#: The residents: their own orders on the phone.
RESIDENT_ROLES = frozenset({str(Role.RESIDENT)})
