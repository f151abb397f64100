"""A whole session with logging at DEBUG: the API key and the passwords appear in no response body,
header, URL, log line, exported file, or request the provider received outside its auth header."""

import logging

from pen.extensions import db
from pen.models import Provider


def test_a_full_session_leaks_no_key_and_no_password(app, client, fake_provider, caplog):
    caplog.set_level(logging.DEBUG)
    key = "sk-live-Zq8rT2vLw9NpXc4Hy7Bd"
    password, new_password = "Opal-Harbor-3317-kiln", "Quartz-Meadow-8842-fern"
    fake_provider.api_key = key
    with app.app_context():
        provider = Provider(name="Fake", base_urls=[fake_provider.url + "/v1"], default_model="fake-echo",
                            auth_header="Authorization: Bearer {key}", api_style="openai",
                            models=["fake-echo", "fake-error-401", "fake-error-500"])
        db.session.add(provider)
        db.session.commit()
        provider_id = provider.id
    responses = []

    def keep(response):
        response.get_data()
        responses.append(response)
        return response

    email = "leak-check@example.com"
    keep(client.post("/signup", data={"name": "Leak", "email": email, "password": password, "confirm": password}))
    keep(client.post(f"/settings/providers/{provider_id}/key", data={f"p{provider_id}-api_key": key}, htmx=True))
    keep(client.get("/settings"))
    keep(client.post(f"/settings/providers/{provider_id}/test", htmx=True))
    for model in ("fake-echo", "fake-error-401", "fake-error-500"):
        keep(client.post("/chats/send", data={"message": f"hello {model}", "model": f"{provider_id}:{model}"},
                         htmx=True))
    from pen.chat.generation import registry

    assert registry(app).wait_idle(10)
    with app.app_context():
        from pen.models import Chat

        chat_id = db.session.scalars(db.select(Chat.id)).first()
    for url in ("/", f"/c/{chat_id}", f"/c/{chat_id}/export.md", f"/c/{chat_id}/export.json",
                "/settings/data/export.json", "/settings", "/profile", "/admin", "/admin/users"):
        keep(client.get(url))
    keep(client.post("/profile/password", data={"current_password": password, "password": new_password,
                                                  "confirm": new_password}, htmx=True))
    keep(client.post("/signout"))
    keep(client.post("/signin", data={"email": email, "password": password}))  # the old one: refused
    keep(client.post("/signin", data={"email": email, "password": new_password}))
    keep(client.get("/nope"))

    assert all(r.status_code < 500 for r in responses)
    assert any("…" in r.text and "Bd" in r.text for r in responses), "the key is shown masked somewhere"
    sent = [r for r in fake_provider.requests if r.headers.get("authorization") == f"Bearer {key}"]
    assert sent, "the key did reach the provider, in its header"
    for secret in (key, password, new_password):
        for response in responses:
            assert secret not in response.get_data(as_text=True)
            assert secret not in str(response.headers)
        assert secret not in caplog.text
        for record in fake_provider.requests:
            assert secret not in record.raw_path and secret not in record.body.decode(errors="replace")
