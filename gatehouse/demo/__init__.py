"""The demo, kept out of the product: 东湖花园 and 五里工业园区 with their people, logins and a
morning's traffic, one module per product app (:mod:`.sites` for the sites, people and logins,
:mod:`.activity` for the morning at the gates, then :mod:`.vehicles`, :mod:`.admission`,
:mod:`.governance`, :mod:`.parking`, :mod:`.guard`, :mod:`.goods`), put together by
:func:`gatehouse.demo.load.build_demo`. It writes through the product apps' services (the site
layout and the logins, which have none, through their models); no product app imports it (the
import-linter contract "the product imports no demo" in pyproject.toml)."""
