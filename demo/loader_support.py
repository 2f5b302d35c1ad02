"""Checks of the demo's support records: ``support.json``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from demo.loader_common import DemoDataError, _keys

if TYPE_CHECKING:
    from demo.loader import DemoData


SUPPORT_KEYS = {"resources", "changes", "retention", "outside_documents", "channels", "concerns"}
CHANNEL_KEYS = {"name", "audience", "anonymous_enabled", "intro", "handler"}
# A report through an external channel says how its reporter relates to the organisation;
# one that was recorded as an AI incident names the incident (incidents.json) by title.
CONCERN_OPTIONAL = {
    "channel",
    "relationship",
    "contact",
    "received_days_ago",
    "recorded_as_incident",
}


def check_support(data: DemoData) -> None:
    """support.json: every section is there and names known people and AI systems."""
    emails = {user.email for user in data.users}
    names = {slug: {spec.get("name") for spec in specs} for slug, specs in data.systems.items()}
    file = "support.json"

    def known(record: str, email: Any) -> None:
        if email is not None and email not in emails:
            raise DemoDataError(file, record, f"unknown person {email!r}")

    def system(record: str, slug: str, name: Any) -> None:
        if name is not None and name not in names.get(slug, set()):
            raise DemoDataError(file, record, f"unknown AI system {name!r} in {slug}")

    for slug, spec in data.support.items():
        if slug not in data.organizations:
            raise DemoDataError(file, slug, "unknown organisation")
        _keys(file, slug, spec, SUPPORT_KEYS)
        for item in spec["resources"]:
            record = item.get("name", "?")
            _keys(
                file,
                record,
                item,
                {
                    "name",
                    "kind",
                    "description",
                    "quantity",
                    "owner",
                    "status",
                    "review_in_days",
                    "systems",
                },
            )
            known(record, item["owner"])
            for name in item["systems"]:
                system(record, slug, name)
        for item in spec["changes"]:
            record = item.get("title", "?")
            _keys(
                file,
                record,
                item,
                {
                    "title",
                    "purpose",
                    "consequences",
                    "resources_needed",
                    "responsibilities",
                    "responsible",
                    "planned_in_days",
                    "proposed_by",
                    "approved_by",
                    "decision_note",
                },
            )
            for who in ("responsible", "proposed_by", "approved_by"):
                known(record, item[who])
            if item["approved_by"] is not None and item["approved_by"] == item["proposed_by"]:
                raise DemoDataError(file, record, "approved by the person who proposed it")
        for key, rule in spec["retention"].items():
            known(f"retention.{key}", rule.get("owner"))
        for item in spec["outside_documents"]:
            record = item.get("title", "?")
            _keys(
                file,
                record,
                item,
                {
                    "title",
                    "kind",
                    "location",
                    "owner",
                    "retention_months",
                    "disposal_method",
                    "access_notes",
                },
            )
            known(record, item["owner"])
        channels = {}
        for channel in spec["channels"]:
            record = channel.get("name", "?")
            _keys(file, record, channel, CHANNEL_KEYS)
            known(record, channel["handler"])
            channels[record] = channel
        incidents = {i.get("title") for i in data.incidents.get(slug, [])}
        for item in spec["concerns"]:
            record = item.get("summary", "?")
            _keys(
                file,
                record,
                item,
                {
                    "summary",
                    "description",
                    "category",
                    "system",
                    "anonymous",
                    "handled_by",
                    "handling_notes",
                    "resolution",
                    "reply",
                },
                CONCERN_OPTIONAL,
            )
            system(record, slug, item["system"])
            known(record, item["handled_by"])
            if "channel" in item and item["channel"] not in channels:
                raise DemoDataError(file, record, f"unknown channel {item['channel']!r}")
            outside = "channel" in item and channels[item["channel"]]["audience"] == "external"
            if outside != ("relationship" in item):
                raise DemoDataError(
                    file, record, "a relationship goes with a report through an external channel"
                )
            if item.get("recorded_as_incident", None) not in incidents | {None}:
                raise DemoDataError(
                    file, record, f"unknown incident {item['recorded_as_incident']!r}"
                )
