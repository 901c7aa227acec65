"""Guard operations (SPEC §7), one Django app (label ``guard``, its models in ``models.py``) split
by SPEC section into areas: ``roster`` (S-01/S-02), ``handover`` (S-03), ``patrol`` (S-04),
``incidents`` (S-05/S-06/S-13), ``keys`` (S-08), ``absence`` (S-09) and ``duties``
(S-07/S-10/S-11/S-12). Each area has

- ``services``: the writes. Keyword-only, atomic, audited, handed ``now``; every rule is the
  core's (``gatehouse.core.guard``): a service loads the facts, calls it, and writes down the
  result, the register row and the audit entry in one transaction. Refusals are ``DomainError`` /
  ``InvalidInput`` with a machine code and a Chinese message; nothing is written then.
- ``selectors``: the reads, each scoped to one site; the judgements (gaps, late, missed,
  overdue) are the core's. A selector never imports a service (an import-linter contract).
- ``views`` (and ``forms``): thin pages under /guard/ (namespace ``guard``): ``state_with`` for
  the site and the role, a form, one service call, a page or (for htmx) a fragment. Records of
  another site are 404. A refusal comes back on the same page with the Chinese message and
  HTTP 422. Views hold no query: they ask the selectors.

``shared`` is what every area reads (a guard's name, the site's settings, staff, Shanghai
time); ``writes`` is what their services write with (audit entry, notice, photos); ``web`` and
``fields`` are the areas' view kit and form pieces; ``registers`` declares the 交接班记录表 and
the 夜间安保巡查记录表 to the ``registers`` engine, which serves them.
"""
