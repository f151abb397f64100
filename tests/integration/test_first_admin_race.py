"""Two sign-ups at once on an empty database: exactly one becomes admin."""

import threading

from sqlalchemy import select

from pen.auth import service
from pen.extensions import db
from pen.models import User


def test_concurrent_first_signups_make_exactly_one_admin(app):
    barrier = threading.Barrier(4)
    errors = []

    def sign_up(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                service.create_account(f"Racer {n}", f"racer{n}@example.com", "long-enough-pw")
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with app.app_context():
        admins = db.session.scalars(select(User).where(User.is_admin.is_(True))).all()
        assert len(db.session.scalars(select(User)).all()) == 4
    assert len(admins) == 1


def test_concurrent_first_signup_requests_make_exactly_one_admin(app):
    barrier = threading.Barrier(5)
    statuses = []

    def sign_up(n: int) -> None:
        client = app.test_client()
        client.get("/signup")
        data = {"name": f"Web racer {n}", "email": f"web{n}@example.com", "password": "long-enough-pw",
                "confirm": "long-enough-pw"}
        barrier.wait(timeout=10)
        statuses.append(client.post("/signup", data=data, environ_base={"REMOTE_ADDR": f"10.1.0.{n}"}).status_code)

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses == [303] * 5
    with app.app_context():
        admins = db.session.scalars(select(User).where(User.is_admin.is_(True))).all()
    assert len(admins) == 1
