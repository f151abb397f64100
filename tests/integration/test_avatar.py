"""Profile images: checked by content, re-encoded, stored under instance/uploads, served to signed-in users."""

import io
from pathlib import Path

import pytest
from PIL import Image

from pen.extensions import db
from pen.models import User


def image_bytes(fmt: str, size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 90)).save(out, format=fmt)
    return out.getvalue()


def upload(client, data: bytes, filename: str):
    return client.post(
        "/profile/avatar", data={"image": (io.BytesIO(data), filename)}, content_type="multipart/form-data", htmx=True
    )


def stored_path(app, user_id) -> str | None:
    with app.app_context():
        return db.session.get(User, user_id).profile_image


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_png_jpeg_webp_are_accepted_and_reencoded(client, make_user, login, app, fmt):
    user_id = make_user()
    login(user_id)
    response = upload(client, image_bytes(fmt), f"me.{fmt.lower()}")
    assert response.status_code == 200 and "Image updated." in response.text
    relative = stored_path(app, user_id)
    assert relative.startswith("avatars/") and relative.endswith(".webp")
    stored = Path(app.instance_path) / "uploads" / relative
    with Image.open(stored) as image:
        assert image.format == "WEBP" and image.size == (256, 256)


def test_file_name_from_the_client_is_never_used(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    assert upload(client, image_bytes("PNG"), "../../x.png").status_code == 200
    relative = stored_path(app, user_id)
    assert ".." not in relative and "x.png" not in relative
    assert not (Path(app.instance_path).parent / "x.png").exists()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"<svg onload=alert(1)></svg>", "evil.png", "not a readable"),
        (b"GIF89a" + b"\x00" * 100, "anim.png", "not a readable"),
        (b"", "empty.png", "The file is empty."),
        (image_bytes("GIF"), "real.gif", "PNG, JPEG or WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "broken.png", "not a readable"),
    ],
)
def test_non_images_are_refused_with_a_message(client, make_user, login, app, data, filename, message):
    user_id = make_user()
    login(user_id)
    response = upload(client, data, filename)
    assert response.status_code == 422 and message in response.text
    assert stored_path(app, user_id) is None


def test_oversize_image_is_refused(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    app.config["PEN_AVATAR_MAX_BYTES"] = 1000
    response = upload(client, image_bytes("PNG", size=(400, 400)) + b"\x00" * 2000, "big.png")
    assert response.status_code == 422 and "larger than" in response.text
    assert stored_path(app, user_id) is None


def test_request_larger_than_max_content_length_is_413(client, make_user, login, app):
    login(make_user())
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(client, b"\x00" * 20_000, "huge.png")
    assert response.status_code == 413


def test_avatar_is_served_only_to_signed_in_users(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    upload(client, image_bytes("PNG"), "me.png")
    served = client.get(f"/users/{user_id}/avatar")
    assert served.status_code == 200 and served.mimetype == "image/webp"
    assert "private" in served.headers["Cache-Control"]
    client.post("/signout")
    assert client.get(f"/users/{user_id}/avatar").status_code == 303


def test_another_users_avatar_is_404_but_the_admin_sees_it(app, make_user, login, client):
    owner, other, admin = make_user(), make_user(), make_user(admin=True)
    login(owner)
    upload(client, image_bytes("PNG"), "me.png")
    client.post("/signout")
    login(other)
    assert client.get(f"/users/{owner}/avatar").status_code == 404
    client.post("/signout")
    login(admin)
    response = client.get(f"/users/{owner}/avatar")
    assert response.status_code == 200


def test_missing_avatar_and_unknown_user_are_404(client, make_user, login):
    user_id = make_user()
    login(user_id)
    assert client.get(f"/users/{user_id}/avatar").status_code == 404
    assert client.get("/users/999999/avatar").status_code == 404


def test_a_foreign_profile_image_path_is_never_served(client, make_user, login, app):
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).profile_image = "../secret_key"
        db.session.commit()
    login(user_id)
    assert client.get(f"/users/{user_id}/avatar").status_code == 404


def test_replacing_and_removing_the_image_deletes_old_files(client, make_user, login, app):
    user_id = make_user()
    login(user_id)
    upload(client, image_bytes("PNG"), "a.png")
    first = Path(app.instance_path) / "uploads" / stored_path(app, user_id)
    upload(client, image_bytes("JPEG"), "b.jpg")
    second = Path(app.instance_path) / "uploads" / stored_path(app, user_id)
    assert not first.exists() and second.exists()
    assert client.post("/profile/avatar/remove", htmx=True).status_code == 200
    assert stored_path(app, user_id) is None and not second.exists()
