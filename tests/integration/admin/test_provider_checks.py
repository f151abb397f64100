"""Admin "Test" and "Refresh models" against the fake provider: success, bad key, 404, timeout."""

from dataclasses import replace

from pen.models import Provider
from tests.integration.admin.helpers import FAKE_KEY, add_key, add_provider, row


def test_test_with_the_shared_key_shows_the_model_count_and_latency(app, as_admin, admin_id, fake_openai):
    add_key(app, admin_id, "Fake", FAKE_KEY, shared=True)
    response = as_admin.post(f"/admin/providers/{fake_openai}/test", htmx=True)
    assert response.status_code == 200
    assert "Connected: 6 models available" in response.text and " ms." in response.text
    assert "form-error" not in response.text


def test_test_prefers_the_admins_own_key(app, as_admin, admin_id, fake_openai, fake_provider):
    add_key(app, admin_id, "Fake", "sk-wrong-shared-key", shared=True)
    add_key(app, admin_id, "Fake", FAKE_KEY)
    assert "Connected" in as_admin.post(f"/admin/providers/{fake_openai}/test", htmx=True).text
    assert fake_provider.last_request.headers["authorization"] == f"Bearer {FAKE_KEY}"


def test_a_rejected_key_shows_the_typed_error_and_the_providers_words(app, as_admin, admin_id, fake_openai):
    add_key(app, admin_id, "Fake", "sk-wrong-key-0000", shared=True)
    response = as_admin.post(f"/admin/providers/{fake_openai}/test", htmx=True)
    assert "The provider rejected the API key" in response.text
    assert "The provider said: Incorrect API key provided" in response.text
    assert "sk-wrong-key-0000" not in response.text


def test_a_404_says_to_check_the_base_url(app, as_admin, admin_id, fake_openai, fake_provider):
    add_key(app, admin_id, "Fake", FAKE_KEY, shared=True)
    fake_provider.enqueue("error-404")
    response = as_admin.post(f"/admin/providers/{fake_openai}/test", htmx=True)
    assert "404 Not Found: check the provider&#39;s base URL" in response.text


def test_a_default_model_the_provider_does_not_list_is_flagged(app, as_admin, admin_id, fake_provider):
    provider_id = add_provider(app, "Fake", base_urls=[fake_provider.base_url("openai")], default_model="gpt-gone")
    add_key(app, admin_id, "Fake", FAKE_KEY, shared=True)
    response = as_admin.post(f"/admin/providers/{provider_id}/test", htmx=True)
    assert "Connected" in response.text
    assert "The model &#39;gpt-gone&#39; is not in this provider&#39;s list" in response.text


def test_a_provider_that_does_not_answer_times_out_with_a_clear_message(app, as_admin, admin_id, fake_openai,
                                                                        fake_provider, fast_calls):
    app.extensions["pen.providers"] = replace(fast_calls, read_timeout=0.3, total_timeout=2.0)
    add_key(app, admin_id, "Fake", FAKE_KEY, shared=True)
    fake_provider.enqueue("hang", seconds=2, count=5)
    response = as_admin.post(f"/admin/providers/{fake_openai}/test", htmx=True)
    assert response.status_code == 200 and "form-error" in response.text
    assert "did not answer in time" in response.text or "sent nothing for" in response.text


def test_an_unreachable_provider_is_a_network_error(app, as_admin, admin_id):
    provider_id = add_provider(app, "Down", base_urls=["http://127.0.0.1:9/v1"])
    add_key(app, admin_id, "Down", FAKE_KEY, shared=True)
    response = as_admin.post(f"/admin/providers/{provider_id}/test", htmx=True)
    assert "form-error" in response.text and "Connected" not in response.text


def test_test_without_any_key_says_how_to_add_one(app, as_admin, fake_openai, fake_provider):
    response = as_admin.post(f"/admin/providers/{fake_openai}/test", htmx=True)
    assert "No API key for Fake" in response.text and fake_provider.requests == []


def test_refresh_models_stores_the_list_shown_to_users(app, as_admin, admin_id, fake_provider):
    provider_id = add_provider(app, "Fake", base_urls=[fake_provider.base_url("openai")], default_model="")
    add_key(app, admin_id, "Fake", FAKE_KEY, shared=True)
    response = as_admin.post(f"/admin/providers/{provider_id}/models", htmx=True)
    assert response.status_code == 200 and "Stored 6 models for Fake." in response.text
    provider = row(app, Provider, provider_id)
    assert "fake-echo" in provider.models and len(provider.models) == 6 and provider.models_refreshed_at
    assert provider.default_model == provider.models[0]  # an empty default takes the first listed
    assert "fake-tokens-20" in as_admin.get(f"/admin/providers/{provider_id}").text


def test_a_failed_refresh_keeps_the_previous_list(app, as_admin, admin_id, fake_provider):
    provider_id = add_provider(app, "Fake", base_urls=[fake_provider.base_url("openai")], models=["kept"])
    add_key(app, admin_id, "Fake", FAKE_KEY, shared=True)
    fake_provider.enqueue("error-500")
    response = as_admin.post(f"/admin/providers/{provider_id}/models", htmx=True)
    assert "form-error" in response.text and row(app, Provider, provider_id).models == ["kept"]
