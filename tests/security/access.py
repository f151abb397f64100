"""Who may use each route: the declarative table the security suite checks every rule against.

public     anyone, signed in or not
signed_in  any signed-in user; anonymous browsers go to sign-in, anonymous htmx gets 401 + HX-Redirect
owner      the signed-in owner of the object in the URL; anyone else (admins too) gets 404
admin      admins only; everyone else, anonymous included, gets 404 (the admin area does not reveal itself)
self_or_admin  the user named in the URL (here: the world's "other" user) and admins; others get 404

A route missing from ACCESS fails the suite, so a new route cannot ship unclassified.
`QUERY` adds what a route needs to do its normal work for the allowed user.
"""

ACCESS = {
    "static": "public",
    "health.healthz": "public",
    "auth.signin": "public",
    "auth.signup": "public",
    "auth.signout": "public",  # signing out when signed out just lands on sign-in
    "auth.profile": "signed_in",
    "auth.update_profile": "signed_in",
    "auth.change_password": "signed_in",
    "auth.upload_avatar": "signed_in",
    "auth.remove_avatar": "signed_in",
    "auth.delete_account": "signed_in",
    "auth.avatar": "self_or_admin",
    "chat.home": "signed_in",
    "chat.chat_list": "signed_in",
    "chat.send": "signed_in",
    "chat.stop_all": "signed_in",
    "chat.view_chat": "owner",
    "chat.older_messages": "owner",
    "chat.title": "owner",
    "chat.refined_title": "owner",
    "chat.rename": "owner",
    "chat.delete": "owner",
    "chat.choose_model": "owner",
    "chat.system_prompt": "owner",
    "chat.message": "owner",
    "chat.edit": "owner",
    "chat.regenerate": "owner",
    "chat.switch": "owner",
    "chat.stop": "owner",
    "chat.tail": "owner",
    "data.index": "signed_in",
    "data.export_all": "signed_in",
    "data.import_data": "signed_in",
    "data.delete_chats": "signed_in",
    "data.export_chat_json": "owner",
    "data.export_chat_markdown": "owner",
    "prompts.index": "signed_in",
    "prompts.create": "signed_in",
    "prompts.export": "signed_in",
    "prompts.import_file": "signed_in",
    "prompts.picker": "signed_in",
    "prompts.system_choices": "signed_in",
    "prompts.show": "owner",
    "prompts.edit": "owner",
    "prompts.delete": "owner",
    "prompts.duplicate": "owner",
    "prompts.fill_in": "owner",
    "prompts.use": "owner",
    "prompts.use_as_system": "owner",
    "settings.index": "signed_in",
    "settings.set_defaults": "signed_in",
    "settings.save_key": "signed_in",
    "settings.test_key": "signed_in",
    "settings.delete_key": "owner",
    "settings.set_model": "owner",
}
ADMIN_PREFIX = "admin."

QUERY = {
    "chat.older_messages": "?before=999999",
    "static": "",
}
STATIC_FILE = "css/pen.css"


def access_of(endpoint: str) -> str | None:
    if endpoint.startswith(ADMIN_PREFIX):
        return "admin"
    return ACCESS.get(endpoint)
