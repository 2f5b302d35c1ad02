"""REST API of the reminders:

- ``notifications``: the caller's own in-app reminders, read-only, with ``mark-read``,
  ``mark-all-read`` and ``unread-count`` (the top bar's bell). Always the caller's own,
  whoever calls: an administrator, a platform operator or an auditor sees only theirs, and
  anyone else's answers 404.
- ``notification-preferences``: the caller's delivery per kind of reminder (at once,
  daily or weekly digest, off), one item per kind, addressed by the kind.
- ``reminder-settings``: an organisation's reminder rules (one record per organisation),
  read by its members and written by its officers and administrators, as on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.core.api import (
    CleanInputMixin,
    ReachableRelatedField,
    RestrictedModelViewSet,
    RestrictedReadOnlyViewSet,
    RetriedWritesMixin,
    TrackedSerializer,
)
from aims.core.exceptions import validation_error_to_dict
from aims.organizations.models import Organization
from reminders import services
from reminders.filters import ReminderFilterSet, ReminderSettingsFilterSet
from reminders.models import (
    MAX_LEAD_DAYS,
    Delivery,
    EmailStatus,
    Reminder,
    ReminderPreference,
    ReminderSettings,
    Rule,
)
from reminders.sources import KINDS

KIND_CHOICES = [(kind, str(label)) for kind, label in KINDS.items()]

# ==== Notifications ========================================================================


class NotificationSerializer(CleanInputMixin, serializers.ModelSerializer):
    """One reminder to the caller about one item falling due, read-only."""

    kind = serializers.ChoiceField(
        choices=KIND_CHOICES, read_only=True, help_text="What kind of date falls due."
    )
    rule = serializers.ChoiceField(
        choices=Rule.choices,
        read_only=True,
        help_text="Before the date (``lead`` days, or hours for a deadline kept to the hour), "
        "on the date, or overdue.",
    )
    lead = serializers.IntegerField(
        read_only=True, help_text="Days (hours for a deadline) before the date; 0 otherwise."
    )
    delivery = serializers.ChoiceField(
        choices=Delivery.choices,
        read_only=True,
        help_text="How it reaches the person by e-mail: at once, or in a daily or weekly digest.",
    )
    email_status = serializers.ChoiceField(choices=EmailStatus.choices, read_only=True)
    due_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="For a deadline kept to the hour; else null."
    )
    url = serializers.CharField(
        read_only=True, help_text="The item's page in the product (may be empty)."
    )
    read = serializers.SerializerMethodField(help_text="Whether the person marked it read.")
    read_at = serializers.DateTimeField(read_only=True, allow_null=True)
    emailed_at = serializers.DateTimeField(read_only=True, allow_null=True)
    record_type = serializers.SerializerMethodField(
        help_text="The record the reminder is about, as ``app.model``, with ``object_id``."
    )

    class Meta:
        model = Reminder
        fields = [
            "id",
            "organization",
            "kind",
            "title",
            "url",
            "rule",
            "lead",
            "due_on",
            "due_at",
            "escalation",
            "record_type",
            "object_id",
            "created_at",
            "read",
            "read_at",
            "delivery",
            "email_status",
            "emailed_at",
        ]
        read_only_fields = fields

    def get_read(self, obj: Reminder) -> bool:
        return obj.read_at is not None

    def get_record_type(self, obj: Reminder) -> str:
        return f"{obj.content_type.app_label}.{obj.content_type.model}"


class MarkAllReadSerializer(CleanInputMixin, serializers.Serializer):
    """Which of the caller's reminders to mark read: every one, or one organisation's."""

    organization = ReachableRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text="Only this organisation's reminders; all of them when left out.",
    )


MARKED = inline_serializer(
    "NotificationsMarked",
    fields={
        "marked": serializers.IntegerField(help_text="How many were marked read now."),
        "unread": serializers.IntegerField(help_text="How many remain unread, everywhere."),
    },
)
UNREAD = inline_serializer(
    "NotificationsUnread",
    fields={"unread": serializers.IntegerField(help_text="Unread reminders, everywhere.")},
)


class NotificationViewSet(RestrictedReadOnlyViewSet):
    """The caller's own reminders, newest first (``GET``), filtered like the Reminders page
    (``state=unread|read``, ``organization``, ``kind``, ``rule``, ``due_from``,
    ``due_until``). No create, update or delete: the reminder engine writes them, and the
    person only marks them read."""

    queryset = Reminder.objects.select_related("content_type")
    serializer_class = NotificationSerializer
    filterset_class = ReminderFilterSet

    def get_queryset(self):
        # A reminder is personal: the permission layer lets a platform operator reach every
        # row, so the recipient is named here too, as on the page (reminders.views._mine).
        return super().get_queryset().filter(recipient=self.request.user)

    def _answer_marked(self, marked: int) -> Response:
        return Response({"marked": marked, "unread": services.unread_count(self.request.user)})

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"], url_path="mark-read")
    def mark_read(self, request, pk=None):
        """Mark this reminder read (already read: unchanged). The answer is the reminder."""
        reminder = self.get_object()
        services.reminders_mark_read(user=request.user, ids=[reminder.pk])
        return Response(self.get_serializer(self.get_queryset().get(pk=reminder.pk)).data)

    @extend_schema(request=MarkAllReadSerializer, responses=MARKED, filters=False)
    @action(
        detail=False,
        methods=["post"],
        url_path="mark-all-read",
        filterset_class=None,
        pagination_class=None,
    )
    def mark_all_read(self, request):
        """Mark every unread reminder of the caller read, or only one organisation's."""
        serializer = MarkAllReadSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        organization = serializer.validated_data.get("organization")
        marked = services.reminders_mark_read(
            user=request.user, organization_id=organization.pk if organization else None
        )
        return self._answer_marked(marked)

    @extend_schema(responses=UNREAD, filters=False)
    @action(
        detail=False,
        methods=["get"],
        url_path="unread-count",
        filterset_class=None,
        pagination_class=None,
    )
    def unread_count(self, request):
        """How many of the caller's reminders are unread, in every organisation (the number
        on the bell). For one organisation, list ``?state=unread&organization=…`` and read
        ``count``."""
        return Response({"unread": services.unread_count(request.user)})


# ==== Delivery preferences =================================================================


@dataclass(frozen=True)
class Preference:
    kind: str
    label: str
    delivery: str


def _preferences(user: Any) -> dict[str, Preference]:
    return {
        kind: Preference(kind=kind, label=str(label), delivery=delivery)
        for kind, label, delivery in services.preferences_of(user)
    }


class NotificationPreferenceSerializer(CleanInputMixin, serializers.Serializer):
    """How the caller wants the reminders of one kind delivered."""

    kind = serializers.ChoiceField(choices=KIND_CHOICES, read_only=True)
    label = serializers.CharField(read_only=True)
    delivery = serializers.ChoiceField(
        choices=Delivery.choices,
        help_text="At once, in a daily or a weekly digest, or off (no e-mail, and the "
        "reminders of this kind are not written at all).",
    )


KIND_PARAMETER = OpenApiParameter(
    "kind", str, OpenApiParameter.PATH, enum=list(KINDS), description="The kind of reminder."
)


@extend_schema_view(
    retrieve=extend_schema(parameters=[KIND_PARAMETER]),
    update=extend_schema(parameters=[KIND_PARAMETER]),
    partial_update=extend_schema(parameters=[KIND_PARAMETER]),
)
class NotificationPreferenceViewSet(
    RetriedWritesMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's delivery per kind of reminder: one item per kind, the default (at once)
    where they chose nothing. ``PUT``/``PATCH`` ``{"delivery": …}`` on a kind sets it, as the
    preferences page does; what waits to be e-mailed follows the new choice. Personal: the
    items are always the caller's own."""

    # Only for the schema's path parameter: the items are made from the kinds, not rows.
    queryset = ReminderPreference.objects.none()
    serializer_class = NotificationPreferenceSerializer
    lookup_field = "kind"
    lookup_value_regex = "[a-z_]+"
    pagination_class = None
    filterset_class = None
    http_method_names = ["get", "put", "patch", "head", "options"]

    def get_queryset(self):
        return list(_preferences(self.request.user).values())

    def get_object(self) -> Preference:
        found = _preferences(self.request.user).get(self.kwargs["kind"])
        if found is None:
            raise Http404
        return found

    def perform_update(self, serializer) -> None:
        kind = serializer.instance.kind
        if "delivery" not in serializer.validated_data:
            return  # a PATCH that names nothing changes nothing
        try:
            services.preferences_save(
                user=self.request.user, choices={kind: serializer.validated_data["delivery"]}
            )
        except DjangoValidationError as exc:
            raise exceptions.ValidationError(validation_error_to_dict(exc)) from exc
        serializer.instance = _preferences(self.request.user)[kind]


# ==== An organisation's reminder rules ======================================================


class ReminderSettingsSerializer(TrackedSerializer):
    """An organisation's reminder rules."""

    lead_days = serializers.ListField(
        child=serializers.IntegerField(),
        allow_empty=False,
        error_messages={"empty": _("Give at least one number of days.")},
        help_text=f"Numbers of days before a date when people hear of it, each between 1 and "
        f"{MAX_LEAD_DAYS} and given once; kept from the largest down.",
    )

    lead_days_by_kind = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        required=False,
        help_text="Exceptions to ``lead_days`` for some kinds of dated reminder: "
        '``{"training_expiry": [90, 30]}``. Kinds not named use ``lead_days``.',
    )

    class Meta:
        model = ReminderSettings
        fields = [
            "id",
            "organization",
            "lead_days",
            "lead_days_by_kind",
            "on_the_day",
            "escalate_overdue",
            "version",
            "created_at",
            "updated_at",
        ]


class ReminderSettingsViewSet(RestrictedModelViewSet):
    """An organisation's reminder rules: one record per organisation, which its members
    read and its officers and administrators create (``POST``, once) and change (``PUT``/
    ``PATCH``, with ``If-Match`` against the ``ETag`` to refuse a stale write with 412). An
    organisation without one uses the defaults: 30, 7 and 1 days before, on the day, and
    overdue items escalated to the officers. Never deleted."""

    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    queryset = ReminderSettings.objects.all()
    serializer_class = ReminderSettingsSerializer
    filterset_class = ReminderSettingsFilterSet


def register(router) -> None:
    """Add this app's viewsets to the API router."""
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register(
        "notification-preferences",
        NotificationPreferenceViewSet,
        basename="notificationpreference",
    )
    router.register("reminder-settings", ReminderSettingsViewSet)
