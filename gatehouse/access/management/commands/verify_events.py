"""``manage.py verify_events [--site ID]``: check the access events' hash chains.

Walks every site's chain (or one site's) in order, recomputing each event's seal
(:func:`gatehouse.gate.chain.verify`); prints how many events it checked and, for a broken
chain, the first event that was edited, deleted, inserted or reordered. Exit status: 0 every
chain holds, 1 a chain is broken, 2 the site asked for does not exist."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from gatehouse.access.models import AccessEvent, EventChainHead
from gatehouse.gate import chain
from gatehouse.sites.models import Site


class Command(BaseCommand):
    help = "Verify the access events' hash chains; exit 1 naming the first broken event."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--site", help="only this site (its id or code)")

    def handle(self, *args: Any, **options: Any) -> None:
        sites = self._sites(options.get("site"))
        total, broken = 0, []
        for site_id in sites:
            checked = chain.verify(site_id)
            total += checked.rows
            if checked.brk is None:
                self.stdout.write(f"site {site_id}: {checked.rows} event(s), chain intact")
            else:
                broken.append(checked.brk)
                self.stdout.write(f"site {site_id}: BROKEN after {checked.rows} event(s)")
        self.stdout.write(f"checked {total} event(s) in {len(sites)} site(s)")
        if broken:
            for brk in broken:
                self.stderr.write(f"chain broken: {brk}")
            raise CommandError(f"{len(broken)} site chain(s) broken", returncode=1)
        self.stdout.write("all chains intact")

    def _sites(self, ref: str | None) -> list[int]:
        if ref:
            match = Q(code=ref) | Q(pk=int(ref)) if ref.isdigit() else Q(code=ref)
            site = Site.objects.filter(match).values_list("pk", flat=True).first()
            if site is None:
                raise CommandError(f"no site {ref!r}", returncode=2)
            return [site]
        ids = set(Site.objects.values_list("pk", flat=True))
        ids |= set(EventChainHead.objects.values_list("site_id", flat=True))
        # An event whose site row is gone (a foreign key is PROTECT: only by tampering).
        ids |= set(
            AccessEvent.objects.exclude(site_id__in=ids)
            .values_list("site_id", flat=True)
            .distinct()
        )
        return sorted(ids)
