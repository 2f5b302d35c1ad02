from django.urls import path

from reminders import views

app_name = "reminders"

# Personal pages (across organisations), included at /reminders/.
urlpatterns = [
    path("", views.ReminderListView.as_view(), name="list"),
    path("unread/", views.UnreadCountView.as_view(), name="unread"),
    path("preferences/", views.PreferencesView.as_view(), name="preferences"),
]
