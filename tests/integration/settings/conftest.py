from tests.integration.admin.helpers import admin_id, as_admin, fake_openai, fast_calls  # noqa: F401
