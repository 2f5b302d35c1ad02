"""``django.contrib.admin`` with the admin site of ``aims.core.admin_site`` as ``admin.site``.

A module of its own: app configs load before models, and the site needs allauth's models.
"""

from django.contrib.admin.apps import AdminConfig


class AimsAdminConfig(AdminConfig):
    default_site = "aims.core.admin_site.AimsAdminSite"
