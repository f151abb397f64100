"""GET /healthz: for load balancers and readiness checks; no sign-in, one query, nothing sensitive."""

from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from pen.extensions import db, limiter


def test_healthz_answers_ok_without_sign_in_and_sets_no_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_checks_the_database_with_one_query(app, client):
    client.get("/healthz")
    sent = []

    def count(conn, cursor, statement, *args):
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get("/healthz").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(sent) == 1


def test_healthz_answers_503_and_nothing_more_when_the_database_is_down(app, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception(f"could not connect to {app.config['SQLALCHEMY_DATABASE_URI']}"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
    assert response.get_data(as_text=True).strip() == '{"status":"unavailable"}'


def test_healthz_is_exempt_from_rate_limits(app):
    assert limiter.limit_manager.exemption_scope(app, "health.healthz", "health")


def test_healthz_is_the_same_signed_in(client, make_user, login):
    login(make_user())
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
