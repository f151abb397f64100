"""Sign-in and sign-up rate limits (Flask-Limiter)."""

from tests.conftest import DEFAULT_PASSWORD


def attempt(client, email, password="wrong-password", ip="10.0.0.1"):
    return client.post("/signin", data={"email": email, "password": password}, environ_base={"REMOTE_ADDR": ip})


def test_sign_in_is_limited_per_ip(client, app):
    app.config["PEN_SIGNIN_LIMIT_PER_IP"] = "5 per minute"
    statuses = [attempt(client, f"u{i}@example.com").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    assert attempt(client, "u@example.com", ip="10.0.0.2").status_code == 422


def test_sign_in_is_limited_per_account_across_ips(client, app, make_user):
    make_user(email="target@example.com")
    app.config["PEN_SIGNIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    statuses = [attempt(client, "target@example.com", ip=f"10.0.1.{i}").status_code for i in range(4)]
    assert statuses == [422, 422, 422, 429]
    # even the right password waits: the account is being guessed at
    assert attempt(client, "target@example.com", DEFAULT_PASSWORD, ip="10.0.2.1").status_code == 429


def test_successful_sign_ins_do_not_use_up_the_account_limit(client, app, make_user):
    make_user(email="ok@example.com")
    app.config["PEN_SIGNIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    for i in range(4):
        assert attempt(client, "ok@example.com", DEFAULT_PASSWORD, ip=f"10.0.3.{i}").status_code == 303
        client.post("/signout")


def test_rate_limited_page_says_what_happened(client, app):
    app.config["PEN_SIGNIN_LIMIT_PER_IP"] = "1 per minute"
    attempt(client, "a@example.com")
    response = attempt(client, "a@example.com")
    assert response.status_code == 429 and "Too many attempts" in response.text


def test_sign_up_is_limited_per_ip(client, app):
    app.config["PEN_SIGNUP_LIMIT_PER_IP"] = "2 per hour"
    statuses = [
        client.post("/signup", data={"name": "n", "email": "bad"}, environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code
        for _ in range(3)
    ]
    assert statuses == [422, 422, 429]
