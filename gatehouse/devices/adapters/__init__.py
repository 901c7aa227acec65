"""Vendor protocols of gate devices, one folder (or module) per vendor behind :mod:`.base`.

An adapter only translates: the vendor's request into a read Gatehouse decides on, Gatehouse's
answer back into what the vendor's device expects, and an outbox command
(:mod:`gatehouse.devices.outbox`) into the vendor's requests. Deciding is never an adapter's
business.

:data:`DRIVERS` names, per vendor (``Device.vendor``), the function the outbox worker calls to
push one command to a device Gatehouse drives over the network. Vendors whose devices poll for
their commands (plate cameras' heartbeat) have no driver: their commands wait to be taken.
"""

DRIVERS: dict[str, str] = {
    "hikvision": "gatehouse.devices.adapters.hikvision.driver.deliver",
}
