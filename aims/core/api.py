"""Generic REST bases: every concrete serializer and viewset is a few declarations on these.

- Lists and details go through ``restrict``: a record out of reach is a 404.
- A write needs the role for it (403 when the record is visible but not writable) and is
  re-checked inside its transaction on the locked row.
- ``ETag`` carries the record's version; a write with a stale ``If-Match`` answers 412.
- Model validation (``full_clean``) runs for API writes as it does for forms, so a rule
  lives once, on the model. On an update the model's unique and check constraints are
  checked against the whole row as it will be saved (not only the written fields), so a
  PATCH that would break one is a 400 on the field, never a database error.
- Every serializer refuses implausible dates and unstorable values (``CleanInputMixin``).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.response import Response

from aims.core import documents, transactions
from aims.core.exceptions import PreconditionFailed, validation_error_to_dict
from aims.core.permissions import (
    Action,
    UserPurpose,
    can,
    can_add,
    policy_of,
    restrict,
    roles_of,
    user_purpose_of,
    users_choosable,
)
from aims.core.validators import unstorable_reason, validate_plausible_date

NOT_CHOOSABLE = (
    "Choose an active member of the record's organisation; external auditors cannot be chosen."
)


class ReachableRelatedField(serializers.PrimaryKeyRelatedField):
    """A foreign key that only accepts records the caller can see (others read as 'invalid').

    A person must be someone the caller can see in one of their organisations; whether they
    may hold this field on this record is decided by ``check_people`` against the record's
    own organisation."""

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None:
            return queryset.none()
        model = queryset.model
        if model is get_user_model():
            return users_choosable(
                organization=list(roles_of(request.user)),
                purpose=UserPurpose.FILTER,
                viewer=request.user,
            )
        return restrict(queryset, request.user, Action.VIEW)

    @classmethod
    def many_init(cls, *args: Any, **kwargs: Any) -> LinkedIdsField:
        # As RelatedField.many_init, with the list shown in id order.
        list_kwargs = {"child_relation": cls(*args, **kwargs)}
        list_kwargs.update({key: kwargs[key] for key in kwargs if key in MANY_RELATION_KWARGS})
        return LinkedIdsField(**list_kwargs)


class LinkedIdsField(serializers.ManyRelatedField):
    """A many-to-many as the linked records' ids in ascending order, whatever the related
    model's own ordering (so the risks list's fast path, risks.selectors, can match it)."""

    def to_representation(self, iterable: Any) -> list[Any]:
        return sorted(super().to_representation(iterable))


def check_people(
    model: type[models.Model],
    attrs: dict[str, Any],
    organization_id: int | None,
    *,
    instance: models.Model | None = None,
    writable: Collection[str] = (),
) -> None:
    """Refuse (400, on the field) a person who may not be chosen on a record of
    ``organization_id`` (``users_choosable``). The written user fields are checked; when a
    record moves to another organisation, the people it already names in ``writable`` fields
    are checked too (a membership's own user is no choice, so it is not)."""
    moved = instance is not None and policy_of(model).organization_id_of(instance) != (
        organization_id
    )
    errors: dict[str, list[str]] = {}
    for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
        purpose = user_purpose_of(model, model_field.name)
        if purpose is None:
            continue
        if model_field.name in attrs:
            value = attrs[model_field.name]
        elif moved and model_field.name in writable:
            value = getattr(instance, model_field.name)
        else:
            continue
        if model_field.many_to_many:
            pks = {
                getattr(user, "pk", user)
                for user in (value.all() if hasattr(value, "all") else value or [])
            }
        else:
            pks = {value.pk} if value is not None else set()
        if not pks:
            continue
        allowed = users_choosable(organization=organization_id, purpose=purpose).filter(pk__in=pks)
        if allowed.count() != len(pks):
            errors[model_field.name] = [NOT_CHOOSABLE]
    if errors:
        raise serializers.ValidationError(errors)


class CleanInputMixin:
    """For every serializer of the API: a written date must be plausible
    (``validate_plausible_date``) and no written value may hold what the database cannot
    store (``unstorable_reason``: NUL characters, non-finite numbers), each refused on its
    field. Nested values (JSON fields, lists) are searched to any depth."""

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        for field in fields.values():
            if not field.read_only and isinstance(
                field, serializers.DateField | serializers.DateTimeField
            ):
                field.validators.append(validate_plausible_date)
        return fields

    def to_internal_value(self, data: Any) -> Any:
        value = super().to_internal_value(data)
        errors = {
            name: [reason]
            for name, item in value.items()
            if not isinstance(item, models.Model) and (reason := unstorable_reason(item))
        }
        if errors:
            raise serializers.ValidationError(errors)
        return value


def _constraint_field(constraint: models.BaseConstraint, written: Collection[str]) -> str:
    """Where a broken constraint's error goes: the one written field (other than the
    organisation) it names, else ``non_field_errors``."""
    if isinstance(constraint, models.UniqueConstraint):
        named = set(constraint.fields)
    elif isinstance(constraint, models.CheckConstraint):
        named = set(getattr(constraint.condition, "referenced_base_fields", ()))
    else:
        named = set()
    fields = sorted(f for f in named if f in written and f != "organization")
    return fields[0] if len(fields) == 1 else "non_field_errors"


class TrackedSerializer(CleanInputMixin, serializers.ModelSerializer):
    """Base serializer: reachable foreign keys, read-only bookkeeping, model validation."""

    serializer_related_field = ReachableRelatedField
    version = serializers.IntegerField(read_only=True)

    def get_unique_together_validators(self) -> list:
        # The model's constraints are checked by ``validate`` (as a form would), on the row
        # as it will be saved. DRF's own check fills a read-only field with the model's
        # default (a document's number 1) and refused every new version of a document.
        return []

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        model = self.Meta.model
        if self.instance is not None:
            candidate = self.instance
            # Validate a copy so a refused write leaves the instance as it was.
            candidate = model.objects.filter(pk=self.instance.pk).first()
            if candidate is None:
                raise Http404  # deleted by another request since it was read
        else:
            candidate = model()
        m2m = {}
        for key, value in attrs.items():
            field = model._meta.get_field(key)
            if field.many_to_many:
                m2m[key] = value
            else:
                setattr(candidate, key, value)
        # Like a ModelForm: validate the fields this serializer writes, plus the model's clean().
        writable = {name for name, f in self.fields.items() if not f.read_only}
        writable |= {f.source for f in self.fields.values() if not f.read_only and f.source != "*"}
        check_people(
            model,
            attrs,
            policy_of(model).organization_id_of(candidate),
            instance=self.instance,
            writable=writable,
        )
        relations = {
            f.name
            for f in model._meta.get_fields()
            if f.many_to_many or f.one_to_many or (f.one_to_one and f.auto_created)
        }
        exclude = relations | {
            f.name
            for f in model._meta.get_fields()
            if getattr(f, "concrete", False) and f.name not in writable
        }
        before = {f.attname: getattr(candidate, f.attname) for f in model._meta.concrete_fields}
        errors: dict[str, list[str]] = {}
        try:
            candidate.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except DjangoValidationError as exc:
            errors = validation_error_to_dict(exc)
        # An update is checked whole: the row keeps its unwritten fields (its organisation).
        checked = exclude if self.instance is None else set(relations)
        checked |= set(errors)
        errors_on_constraints = self._constraint_errors(candidate, checked, attrs)
        for name, messages in errors_on_constraints.items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise serializers.ValidationError(errors)
        # What the model's clean() set on a written field is saved too (e.g. a date it clears).
        for f in model._meta.concrete_fields:
            if f.name in writable and getattr(candidate, f.attname) != before[f.attname]:
                attrs[f.name] = getattr(candidate, f.name)
        return attrs

    @staticmethod
    def _constraint_errors(
        candidate: models.Model, exclude: set[str], written: Collection[str]
    ) -> dict[str, list[str]]:
        """The unique and check constraints the candidate would break, each on the single
        written field it names when there is one."""
        errors: dict[str, list[str]] = {}
        try:
            candidate.validate_unique(exclude=exclude)
        except DjangoValidationError as exc:
            for name, messages in validation_error_to_dict(exc).items():
                errors.setdefault(name, []).extend(messages)
        for model_class, constraints in candidate.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, candidate, exclude=exclude)
                except DjangoValidationError as exc:
                    name = _constraint_field(constraint, written)
                    errors.setdefault(name, []).extend(str(m) for m in exc.messages)
        return errors


def etag_for(instance: models.Model) -> str:
    return f'"{instance.pk}-{instance.version}"'


class RestrictedListMixin:
    """Lists through the permission layer."""

    def get_queryset(self):
        return restrict(super().get_queryset(), self.request.user, Action.VIEW)


class RetriedWritesMixin:
    """Each write request (POST, PUT, PATCH, DELETE) is one unit of work
    (``aims.core.transactions.run_atomic``): one transaction, locks in the documented
    order, change-log rows chained at the end, run again if the database aborted it as a
    deadlock; 503 if it still cannot be saved."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        handler = getattr(self, method, None)
        if request.method not in SAFE_METHODS and handler is not None:
            # DRF looks the handler up on the view after initial(), as ViewSetMixin sets it.
            setattr(self, method, self._retried(handler))

    @staticmethod
    def _retried(handler):
        def run(request, *args, **kwargs):
            # The parsed body and files stay on the request, so a second run reads them again.
            try:
                return transactions.run_atomic(lambda: handler(request, *args, **kwargs))
            except ObjectDoesNotExist as exc:
                # Read a moment ago, deleted by another request since (a part's parent).
                raise Http404 from exc

        return run


class RestrictedModelViewSet(RetriedWritesMixin, RestrictedListMixin, viewsets.ModelViewSet):
    """CRUD on a tracked model, through the one permission layer."""

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_object(self):
        obj = super().get_object()
        method_action = {
            "PUT": Action.CHANGE,
            "PATCH": Action.CHANGE,
            "DELETE": Action.DELETE,
        }.get(self.request.method)
        if method_action and not transactions.lock_parent(obj):
            # The parent first (the lock order), before the write is validated against it.
            raise Http404  # deleted with its parent by another request meanwhile
        if method_action and not can(self.request.user, method_action, obj):
            if not type(obj).objects.filter(pk=obj.pk).exists():
                raise Http404  # deleted (with its parent) by another request meanwhile
            raise exceptions.PermissionDenied("Your role does not allow changing this record.")
        return obj

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object())
        return response

    def _check_precondition(self, instance: models.Model) -> None:
        if_match = self.request.headers.get("If-Match")
        if (
            if_match
            and if_match.strip() != "*"
            and etag_for(instance) not in [tag.strip() for tag in if_match.split(",")]
        ):
            raise PreconditionFailed()

    def _locked(self, instance: models.Model, action: Action) -> models.Model:
        model = type(instance)
        # The parent first, then this row only (aims.core.transactions: the lock order).
        locked = transactions.lock_record(
            restrict(model.objects.all(), self.request.user, action), instance
        )
        if locked is None:
            # Reachable a moment ago: the rights or the record changed under us.
            if not model.objects.filter(pk=instance.pk).exists():
                raise Http404
            raise exceptions.PermissionDenied("Your role does not allow changing this record.")
        return locked

    def perform_create(self, serializer) -> None:
        model = serializer.Meta.model
        policy = policy_of(model)
        # Only concrete model fields: a serializer may carry write-only extras (a membership's e-mail).
        concrete = {f.name for f in model._meta.concrete_fields}
        candidate = model(**{k: v for k, v in serializer.validated_data.items() if k in concrete})
        parent = getattr(candidate, policy.parent_path) if policy.parent_path else None
        with transaction.atomic():
            if not can_add(
                self.request.user,
                model,
                policy.organization_id_of(candidate),
                parent=parent,
                record=candidate,
            ):
                raise exceptions.PermissionDenied(
                    "Your role does not allow adding this record here."
                )
            self.create_instance(serializer)

    def create_instance(self, serializer) -> None:
        serializer.save()

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        # Answer with the record as a GET shows it: re-read through get_queryset, so fields
        # it annotates (counts) are there too (the saved row was re-read for its lock).
        shown = self.get_queryset().filter(pk=self._saved.pk).first() or self._saved
        response = Response(self.get_serializer(shown).data)
        response["ETag"] = etag_for(self._saved)
        return response

    def perform_update(self, serializer) -> None:
        with transaction.atomic():
            locked = self._locked(serializer.instance, Action.CHANGE)
            self._check_precondition(locked)
            placed = self._placement(locked)
            serializer.instance = locked
            self._saved = serializer.save()
            self._check_move(placed, self._saved)

    @staticmethod
    def _placement(instance: models.Model) -> tuple[Any, Any]:
        """Where a record sits: its organisation and, for a part, its parent."""
        policy = policy_of(type(instance))
        parent = getattr(instance, f"{policy.parent_path}_id", None) if policy.parent_path else None
        return policy.organization_id_of(instance), parent

    def _check_move(self, before: tuple[Any, Any], saved: models.Model) -> None:
        """Moving a record to another organisation or parent needs the right to add it there."""
        if self._placement(saved) == before:
            return
        policy = policy_of(type(saved))
        parent = getattr(saved, policy.parent_path) if policy.parent_path else None
        if not can_add(
            self.request.user, type(saved), policy.organization_id_of(saved), parent=parent
        ):
            raise exceptions.PermissionDenied("Your role does not allow moving this record there.")

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        with transaction.atomic():
            locked = self._locked(instance, Action.DELETE)
            self._check_precondition(locked)
            try:
                locked.delete()
            except models.ProtectedError as exc:
                raise exceptions.ValidationError(
                    {
                        "non_field_errors": [
                            "Other records still refer to this one; remove those links first."
                        ]
                    }
                ) from exc
        return Response(status=204)


class RestrictedReadOnlyViewSet(
    RetriedWritesMixin, RestrictedListMixin, viewsets.ReadOnlyModelViewSet
):
    pass


# What a controlled document's workflow sets (aims.core.documents), never a client: every
# controlled-document serializer lists these as read-only.
DOCUMENT_WORKFLOW_FIELDS = [
    "number",
    "status",
    "author",
    "submitted_at",
    "approved_by",
    "approved_at",
    "approval_note",
    "superseded_at",
    "next_review_date",
]


class ControlledDocumentViewSet(RestrictedModelViewSet):
    """Versions of a controlled document: only a draft can be edited; the workflow moves by
    the ``submit`` / ``approve`` / ``return`` / ``revise`` actions (aims.core.documents)."""

    def perform_update(self, serializer):
        if not serializer.instance.is_editable:
            raise exceptions.ValidationError(
                "Only a draft can be edited; start a new version with the 'revise' action."
            )
        super().perform_update(serializer)

    def _transition(self, request, service, **extra):
        version = self.get_object()
        result = service(version=version, user=request.user, **extra)
        return Response(self.get_serializer(result).data)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, documents.document_submit)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(
            request, documents.document_approve, note=str(request.data.get("note", ""))
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"], url_path="return")
    def return_to_draft(self, request, pk=None):
        return self._transition(
            request, documents.document_return, note=str(request.data.get("note", ""))
        )

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._transition(request, documents.document_start_revision)
