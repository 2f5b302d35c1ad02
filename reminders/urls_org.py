from django.urls import path

from reminders import views

app_name = "reminders_org"

# An organisation's reminder rules, included at /o/<org>/reminder-settings/.
urlpatterns = [
    path("", views.ReminderSettingsView.as_view(), name="settings"),
]
