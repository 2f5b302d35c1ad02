# The app's first migration: each area's tables follow in its own migration.

from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = []
