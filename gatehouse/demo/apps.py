from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo (``manage.py load_demo``, ``manage.py demo_logins``): an app without models, which
    writes only through the product apps' services; no product app imports it."""

    name = "gatehouse.demo"
    label = "demo"
