"""Step 2 of 3: fill the new fields from the old single ``ai_role``.

"deployer" is the EU AI Act's term: it becomes the EU AI Act role, and the ISO/IEC 22989
role of an organisation that deploys a system it did not build is AI customer / user.
Every other old value was an ISO/IEC 22989 role and becomes the one role of the set.
Backwards: the first role of the set (a deployer stays "deployer").
"""

from django.db import migrations

ISO_ROLES = ("provider", "producer", "developer", "customer", "partner", "subject", "authority")


def forwards(apps, schema_editor):
    AISystem = apps.get_model("inventory", "AISystem")
    for system in AISystem.objects.all().only("pk", "ai_role"):
        if system.ai_role == "deployer":
            roles, eu_role = ["customer"], "deployer"
        elif system.ai_role in ISO_ROLES:
            roles, eu_role = [system.ai_role], ""
        else:
            roles, eu_role = [], ""
        AISystem.objects.filter(pk=system.pk).update(ai_roles=roles, eu_ai_act_role=eu_role)


def backwards(apps, schema_editor):
    AISystem = apps.get_model("inventory", "AISystem")
    for system in AISystem.objects.all().only("pk", "ai_roles", "eu_ai_act_role"):
        roles = [r for r in (system.ai_roles or []) if r in ISO_ROLES]
        if system.eu_ai_act_role == "deployer" or not roles:
            old = "deployer"
        else:
            old = roles[0]
        AISystem.objects.filter(pk=system.pk).update(ai_role=old)


class Migration(migrations.Migration):
    dependencies = [("inventory", "0004_ai_roles_add")]

    operations = [migrations.RunPython(forwards, backwards)]
