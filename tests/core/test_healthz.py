"""``/healthz`` for load balancers and the smoke test."""

from __future__ import annotations


def test_it_reports_ok_as_json(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok"
    assert body["broker"] == "ok"


def test_it_needs_no_sign_in_and_reveals_no_data(client, db):
    response = client.get("/healthz")
    assert set(response.json()) == {"status", "database", "broker"}


def test_it_answers_503_naming_the_failed_check(client, db, settings, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    try:
        response = client.get("/healthz")
    finally:
        monkeypatch.undo()
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["database"] == "error: RuntimeError"
