"""Vendor protocols of gate devices, one module per vendor behind :mod:`.base`.

An adapter only translates: the vendor's request into a :class:`~.base.PlateRead` (or another
read), and Gatehouse's answer back into what the vendor's device expects. Deciding is never an
adapter's business.
"""
