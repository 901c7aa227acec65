from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """A background worker's latest sign of life: ``device_worker``, ``export_worker``. Written
    by the worker's loop (at most every few seconds, :func:`gatehouse.ops.heartbeat.beat`) and
    read by ``/readyz``."""

    name = models.CharField(_("进程"), max_length=40, unique=True)
    beat_at = models.DateTimeField(_("最近心跳"))

    class Meta:
        verbose_name = _("后台进程心跳")
        verbose_name_plural = _("后台进程心跳")

    def __str__(self) -> str:
        return self.name
