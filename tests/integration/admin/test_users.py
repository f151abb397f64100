"""Admin: the user list (search, pages), admin and active flags, password resets, deletion."""

import logging
import re

from sqlalchemy import select

from pen.extensions import db
from pen.models import Chat, Connection, Message, Prompt, User
from pen.security.passwords import verify_password
from tests.integration.admin.helpers import add_key, row, rows, user


def names_on(page: str) -> list[str]:
    return re.findall(r'<span class="user-cell">.*?</span>\s*(.+?)</span>', page, re.S)


def test_the_list_is_paginated_25_a_page(as_admin, make_user):
    for n in range(30):
        make_user(f"Person {n:02d}")
    first = as_admin.get("/admin/users").text
    assert "31 users." in first and "Page 1 of 2" in first and len(names_on(first)) == 25
    second = as_admin.get("/admin/users?page=2", htmx=True)
    assert second.status_code == 200 and "<html" not in second.text
    assert len(names_on(second.text)) == 6 and "Page 2 of 2" in second.text
    assert len(names_on(as_admin.get("/admin/users?page=9").text)) == 0


def test_search_matches_name_or_email_case_insensitively(as_admin, make_user):
    make_user("Grace Hopper", "grace@navy.example.com")
    make_user("Alan Turing", "alan@bletchley.example.com")
    make_user("Percent 100%", "p@example.com")
    assert names_on(as_admin.get("/admin/users?q=HOPPER").text) == ["Grace Hopper"]
    assert names_on(as_admin.get("/admin/users?q=Bletchley").text) == ["Alan Turing"]
    assert names_on(as_admin.get("/admin/users?q=%25").text) == ["Percent 100%"]  # % is literal
    assert names_on(as_admin.get("/admin/users?q=_").text) == []  # _ is literal too
    assert "0 users matching" in as_admin.get("/admin/users?q=nobody").text


def test_a_hand_made_query_falls_back_to_the_first_page(as_admin):
    response = as_admin.get("/admin/users?page=-3&q=" + "x" * 500)
    assert response.status_code == 200 and "1 user." in response.text


def test_wingman_rows_are_visible_and_marked(as_admin, make_user):
    make_user("Old Wing", system_flag="WINGMAN")
    page = as_admin.get("/admin/users").text
    assert "Old Wing" in page and ">Wingman<" in page


def test_make_and_remove_admin(app, as_admin, make_user):
    user_id = make_user("Bob")
    response = as_admin.post(f"/admin/users/{user_id}/make-admin", data={"q": "bo", "page": "1"}, htmx=True)
    assert response.status_code == 200 and "Bob is now an admin." in response.text
    assert names_on(response.text) == ["Bob"]  # the same search is shown again
    assert user(app, user_id).is_admin
    as_admin.post(f"/admin/users/{user_id}/remove-admin", htmx=True)
    assert not user(app, user_id).is_admin


def test_the_last_admin_cannot_be_removed(app, as_admin, admin_id, make_user):
    response = as_admin.post(f"/admin/users/{admin_id}/remove-admin", htmx=True)
    assert response.status_code == 409 and "last active admin" in response.text
    assert user(app, admin_id).is_admin
    inactive_admin = make_user(admin=True, active=False)  # an inactive admin does not count
    assert as_admin.post(f"/admin/users/{admin_id}/remove-admin", htmx=True).status_code == 409
    assert user(app, inactive_admin).is_admin


def test_an_admin_who_removes_their_own_rights_leaves_the_admin_area(app, as_admin, admin_id, make_user):
    make_user(admin=True)
    response = as_admin.post(f"/admin/users/{admin_id}/remove-admin", htmx=True)
    assert response.headers["HX-Redirect"] == "/"
    assert as_admin.get("/admin").status_code == 404


def test_deactivated_users_are_signed_out_and_can_be_reactivated(app, as_admin, make_user):
    user_id = make_user("Carol", "carol@example.com")
    other = app.test_client()
    other.post("/signin", data={"email": "carol@example.com", "password": "correct horse battery"})
    assert other.get("/settings").status_code == 200
    response = as_admin.post(f"/admin/users/{user_id}/deactivate", htmx=True)
    assert "Carol is deactivated" in response.text and ">Deactivated<" in response.text
    assert other.get("/settings").status_code == 303  # signed out at the next request
    as_admin.post(f"/admin/users/{user_id}/activate", htmx=True)
    assert user(app, user_id).is_active_account


def test_an_admin_cannot_deactivate_or_delete_themselves(app, as_admin, admin_id):
    assert as_admin.post(f"/admin/users/{admin_id}/deactivate", htmx=True).status_code == 409
    response = as_admin.post(f"/admin/users/{admin_id}/delete", htmx=True)
    assert response.status_code == 409 and "your own account" in response.text
    assert user(app, admin_id).is_active_account


def test_reset_password_shows_a_one_time_password_once_and_ends_sessions(app, as_admin, make_user, caplog):
    caplog.set_level(logging.DEBUG)
    user_id = make_user("Dave", "dave@example.com")
    other = app.test_client()
    other.post("/signin", data={"email": "dave@example.com", "password": "correct horse battery"})
    before = user(app, user_id)
    response = as_admin.post(f"/admin/users/{user_id}/password", htmx=True)
    assert response.status_code == 200 and "shown only once" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    temporary = re.search(r'<code class="temp-password">([^<]+)</code>', response.text).group(1)
    after = user(app, user_id)
    with app.app_context():
        assert temporary not in after.password and verify_password(after.password, temporary)[0]
    assert after.session_nonce != before.session_nonce
    assert other.get("/settings").status_code == 303
    assert temporary not in caplog.text
    assert temporary not in as_admin.get("/admin/users").text  # shown once only


def test_reset_password_can_set_a_chosen_password(app, as_admin, make_user):
    user_id = make_user("Erin")
    prefix = f"u{user_id}-"
    response = as_admin.post(f"/admin/users/{user_id}/password", data={prefix + "password": "a new long password"}, htmx=True)
    assert "Password of Erin changed." in response.text and "temp-password" not in response.text
    with app.app_context():
        assert verify_password(user(app, user_id).password, "a new long password")[0]
    short = as_admin.post(f"/admin/users/{user_id}/password", data={prefix + "password": "short"}, htmx=True)
    assert short.status_code == 422 and "Use 8 to" in short.text and "open" in short.text


def test_delete_user_cascades_their_data_and_keeps_their_shared_keys(app, as_admin, admin_id, make_user):
    user_id = make_user("Frank", admin=True)
    keeper = make_user("Gina")
    add_key(app, user_id, "OpenAI", "sk-franks-own-key", shared=False)
    add_key(app, user_id, "OpenAI", "sk-franks-shared-1", shared=True)
    add_key(app, keeper, "OpenAI", "sk-ginas-own-key-1")
    with app.app_context():
        chat = Chat(user_id=user_id, name="c")
        db.session.add_all([chat, Prompt(user_id=user_id, prompt_name="p", prompt_text="t")])
        db.session.flush()
        db.session.add(Message(chat_id=chat.id, content="hi", role="user", provider="OpenAI"))
        db.session.commit()
    response = as_admin.post(f"/admin/users/{user_id}/delete", htmx=True)
    assert response.status_code == 200 and "Deleted Frank" in response.text
    assert row(app, User, user_id) is None
    assert rows(app, select(Chat)) == [] and rows(app, select(Message)) == [] and rows(app, select(Prompt)) == []
    remaining = {(c.user_id, c.is_shared) for c in rows(app, select(Connection))}
    assert remaining == {(keeper, False), (admin_id, True)}


def test_unknown_user_ids_are_404(as_admin):
    assert as_admin.post("/admin/users/9999/delete", htmx=True).status_code == 404
    assert as_admin.post("/admin/users/9999/password", htmx=True).status_code == 404
