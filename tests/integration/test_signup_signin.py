"""Sign up, sign in, sign out through the test client (CSRF on), on every database backend."""

from sqlalchemy import select

from pen.extensions import db
from pen.models import Setting, User
from tests.conftest import DEFAULT_PASSWORD


def signup(client, name="Ada", email="ada@example.com", password=DEFAULT_PASSWORD, confirm=None, **kwargs):
    data = {"name": name, "email": email, "password": password, "confirm": confirm or password}
    return client.post("/signup", data=data, **kwargs)


def users(app):
    with app.app_context():
        return db.session.scalars(select(User).order_by(User.id)).all()


def test_first_account_becomes_admin_and_lands_on_home(client, app):
    response = signup(client)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "What can I help with?" in home.text and "Ada" in home.text
    [user] = users(app)
    assert user.is_admin and user.system_flag == "PEN" and user.password.startswith("$argon2id$")


def test_second_account_is_not_admin(client, app):
    signup(client, email="first@example.com")
    client.post("/signout")
    signup(client, email="second@example.com")
    assert [u.is_admin for u in users(app)] == [True, False]


def test_email_is_normalised_and_unique_case_insensitively(client, app):
    signup(client, email="  Ada@Example.COM ")
    client.post("/signout")
    response = signup(client, name="Other", email="ada@example.com")
    assert response.status_code == 422
    assert "already exists" in response.text
    assert [u.email for u in users(app)] == ["ada@example.com"]


def test_signup_errors_rerender_the_form_with_422_and_save_nothing(client, app):
    cases = [
        {"name": "x" * 192},
        {"name": "   "},
        {"email": "not-an-email"},
        {"password": "short", "confirm": "short"},
        {"confirm": "something else entirely"},
    ]
    for case in cases:
        response = signup(client, **case, htmx=True)
        assert response.status_code == 422, case
        assert 'id="signup-form"' in response.text and "<html" not in response.text
        assert 'class="field-errors"' in response.text
    assert users(app) == []


def test_signup_closed_by_config_after_the_first_account(client, app, make_user):
    make_user()
    app.config["PEN_SIGNUP"] = "closed"
    assert client.get("/signup").status_code == 403
    assert signup(client).headers["Location"] == "/signup"  # back to the page that says it is closed
    assert len(users(app)) == 1


def test_first_signup_is_allowed_even_when_closed(client, app):
    app.config["PEN_SIGNUP"] = "closed"
    assert signup(client).status_code == 303


def test_sign_in_with_remember_me_sets_a_persistent_cookie(client, make_user, login):
    user_id = make_user()
    login(user_id, remember=True)
    assert client.get_cookie("pen_remember") is not None
    assert client.get("/").status_code == 200


def test_wrong_password_and_unknown_email_get_the_same_message(client, make_user, app):
    user_id = make_user(email="known@example.com")
    wrong_password = client.post("/signin", data={"email": "known@example.com", "password": "nope-nope"})
    unknown = client.post("/signin", data={"email": "nobody@example.com", "password": "nope-nope"})
    for response in (wrong_password, unknown):
        assert response.status_code == 422
        assert "Wrong email or password." in response.text
    assert user_id


def test_inactive_user_cannot_sign_in(client, make_user):
    user_id = make_user(email="off@example.com", active=False)
    response = client.post("/signin", data={"email": "off@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 422 and "deactivated" in response.text
    assert client.get("/").status_code == 303
    assert user_id


def test_deactivating_a_signed_in_user_ends_their_session(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    with app.app_context():
        db.session.get(User, user_id).is_active_account = False
        db.session.commit()
    assert client.get("/").status_code == 303


def test_sign_in_follows_only_local_next(client, make_user, app):
    make_user(email="n@example.com")
    data = {"email": "n@example.com", "password": DEFAULT_PASSWORD}
    assert client.post("/signin?next=/profile", data=data).headers["Location"] == "/profile"
    client.post("/signout")
    assert client.post("/signin?next=https://evil.example/", data=data).headers["Location"] == "/"


def test_htmx_sign_in_answers_hx_redirect_not_302(client, make_user):
    make_user(email="h@example.com")
    response = client.post("/signin", data={"email": "h@example.com", "password": DEFAULT_PASSWORD}, htmx=True)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/"


def test_sign_out_is_post_only_and_needs_csrf(client, make_user, login):
    login(make_user())
    assert client.get("/signout").status_code == 405
    assert client.post("/signout", csrf=False).status_code == 400
    assert client.get("/").status_code == 200
    assert client.post("/signout").status_code == 303
    assert client.get("/").status_code == 303


def test_legacy_plain_text_password_of_a_pen_row_is_upgraded_on_sign_in(client, make_user, app):
    user_id = make_user(email="legacy@example.com", password="plain-old-pass", hashed=False)
    response = client.post("/signin", data={"email": "legacy@example.com", "password": "plain-old-pass"})
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, user_id).password.startswith("$argon2id$")


def test_wingman_rows_keep_their_legacy_password_unless_allowed(client, make_user, app):
    user_id = make_user(email="wing@example.com", password="wingman-pass", hashed=False, system_flag="WINGMAN")
    data = {"email": "wing@example.com", "password": "wingman-pass"}
    assert client.post("/signin", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(User, user_id).password == "wingman-pass"
    client.post("/signout")
    app.config["PEN_UPGRADE_ALL_LEGACY"] = True
    assert client.post("/signin", data=data).status_code == 303
    with app.app_context():
        assert db.session.get(User, user_id).password.startswith("$argon2id$")


def test_wingman_user_with_mixed_case_email_signs_in(client, make_user):
    make_user(email="Me@EthanHuang.com", password="pw-from-wingman", hashed=False, system_flag="WINGMAN")
    response = client.post("/signin", data={"email": "me@ethanhuang.com", "password": "pw-from-wingman"})
    assert response.status_code == 303


def test_first_admin_claim_row_is_written(client, app):
    signup(client)
    with app.app_context():
        assert db.session.get(Setting, "first_admin_claimed_by") is not None


def test_a_signup_posted_after_signup_closed_goes_to_the_page_that_says_so(client, app, make_user):
    make_user()
    app.config["PEN_SIGNUP"] = "closed"
    response = signup(client, htmx=True)
    assert response.headers["HX-Redirect"] == "/signup" and "<html" not in response.text
    assert len(users(app)) == 1
