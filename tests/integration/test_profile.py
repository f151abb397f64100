"""Profile: name, email, password, deleting the account."""

from sqlalchemy import func, select

from pen.extensions import db
from pen.models import Chat, Connection, Message, Prompt, User
from tests.conftest import DEFAULT_PASSWORD


def get_user(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id)


def test_profile_page_shows_the_forms(client, make_user, login):
    login(make_user(name="Grace"))
    page = client.get("/profile")
    assert page.status_code == 200
    for form_id in ("profile-form", "password-form", "delete-account-form", "avatar-section"):
        assert f'id="{form_id}"' in page.text


def test_change_name_without_password(client, make_user, login, app):
    user_id = make_user(name="Old")
    login(user_id)
    email = get_user(app, user_id).email
    response = client.post("/profile", data={"name": "New Name", "email": email}, htmx=True)
    assert response.status_code == 200 and "Saved." in response.text
    assert get_user(app, user_id).name == "New Name"


def test_changing_email_needs_the_current_password(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    response = client.post("/profile", data={"name": "N", "email": "new@example.com"}, htmx=True)
    assert response.status_code == 422 and "current password" in response.text
    assert get_user(app, user_id).email != "new@example.com"
    data = {"name": "N", "email": "New@Example.com", "current_password": DEFAULT_PASSWORD}
    assert client.post("/profile", data=data, htmx=True).status_code == 200
    assert get_user(app, user_id).email == "new@example.com"


def test_email_taken_by_someone_else_is_refused(client, make_user, login, app):
    make_user(email="taken@example.com")
    user_id = make_user()
    login(user_id)
    data = {"name": "N", "email": "TAKEN@example.com", "current_password": DEFAULT_PASSWORD}
    response = client.post("/profile", data=data, htmx=True)
    assert response.status_code == 422 and "already exists" in response.text


def test_password_change_checks_the_current_password(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    data = {"current_password": "wrong-password", "password": "brand-new-pass", "confirm": "brand-new-pass"}
    response = client.post("/profile/password", data=data, htmx=True)
    assert response.status_code == 422 and "not your current password" in response.text
    data["current_password"] = DEFAULT_PASSWORD
    assert client.post("/profile/password", data=data, htmx=True).status_code == 200
    assert client.get("/").status_code == 200  # this session continues


def test_password_change_signs_out_other_sessions(app, make_user):
    user_id = make_user(email="multi@example.com")
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        client.post("/signin", data={"email": "multi@example.com", "password": DEFAULT_PASSWORD, "remember": "y"})
    data = {"current_password": DEFAULT_PASSWORD, "password": "another-pass-1", "confirm": "another-pass-1"}
    assert laptop.post("/profile/password", data=data).status_code == 200
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 303
    assert user_id


def test_delete_account_needs_password_and_removes_all_their_data(client, make_user, login, app):
    make_user(admin=True)
    user_id = make_user()
    other_id = make_user()
    with app.app_context():
        for owner in (user_id, other_id):
            chat = Chat(user_id=owner, name="c")
            db.session.add(chat)
            db.session.flush()
            db.session.add(Message(chat_id=chat.id, content="hi", role="user", provider="OpenAI"))
            db.session.add(Prompt(user_id=owner, prompt_name="p", prompt_text="t"))
            db.session.add(Connection(user_id=owner, api_key="x", api_provider="OpenAI"))
        db.session.commit()
    login(user_id)
    assert client.post("/profile/delete", data={"password": "wrong"}, htmx=True).status_code == 422
    response = client.post("/profile/delete", data={"password": DEFAULT_PASSWORD}, htmx=True)
    assert response.headers["HX-Redirect"] == "/signin"
    with app.app_context():
        assert db.session.get(User, user_id) is None
        for model in (Chat, Prompt, Connection):
            assert db.session.scalar(select(func.count()).select_from(model)) == 1
        assert db.session.scalar(select(func.count()).select_from(Message)) == 1


def test_the_only_admin_cannot_delete_their_account(client, make_user, login, app):
    admin_id = make_user(admin=True)
    login(admin_id)
    response = client.post("/profile/delete", data={"password": DEFAULT_PASSWORD}, htmx=True)
    assert response.status_code == 422 and "only admin" in response.text
    assert get_user(app, admin_id) is not None


def test_profile_needs_sign_in(client):
    assert client.get("/profile").headers["Location"] == "/signin?next=/profile"


def test_profile_page_has_unique_element_ids(client, make_user, login):
    from html.parser import HTMLParser

    class Ids(HTMLParser):
        def __init__(self):
            super().__init__()
            self.ids = []

        def handle_starttag(self, tag, attrs):
            self.ids += [value for name, value in attrs if name == "id"]

    login(make_user())
    parser = Ids()
    parser.feed(client.get("/profile").text)
    duplicates = {i for i in parser.ids if parser.ids.count(i) > 1}
    assert duplicates == set()


def test_an_admin_deleting_their_account_hands_shared_keys_to_another_admin(client, make_user, login, app):
    from pen.security.secrets import encrypt

    leaving = make_user(admin=True)
    staying = make_user(admin=True)
    with app.app_context():
        db.session.add(Connection(user_id=leaving, api_key=encrypt("sk-shared"), api_provider="OpenAI", is_shared=True))
        db.session.commit()
    login(leaving)
    client.post("/profile/delete", data={"password": DEFAULT_PASSWORD}, htmx=True)
    with app.app_context():
        shared = db.session.scalars(select(Connection).where(Connection.is_shared.is_(True))).all()
        assert [c.user_id for c in shared] == [staying]


def test_a_deactivated_admin_does_not_count_as_another_admin(client, make_user, login, app):
    make_user(admin=True, active=False)
    only_active = make_user(admin=True)
    login(only_active)
    response = client.post("/profile/delete", data={"password": DEFAULT_PASSWORD}, htmx=True)
    assert response.status_code == 422 and "only admin" in response.text
    assert get_user(app, only_active) is not None
