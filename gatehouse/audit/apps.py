from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "gatehouse.audit"
    label = "audit"
    verbose_name = "审计"
