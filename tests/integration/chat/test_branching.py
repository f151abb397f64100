"""Regenerate and edit make sibling versions; every version stays reachable; context follows the branch."""

from pen.extensions import db
from pen.models import Chat, Message
from tests.integration.chat.conftest import text_of


def turn(chat_user, text, chat_id=None):
    chat_user.send(text, chat_id=chat_id).get_data()
    chat_user.wait()
    return chat_user.last_chat_id()


def active_contents(chat_user, chat_id):
    return [m.content for m in chat_user.messages(chat_id) if m.active]


def regenerate(chat_user, message_id, model="fake-echo") -> str:
    """Regenerate; returns the redrawn branch the route answers (the new reply still streaming)."""
    chat_user.allow(model)
    body = chat_user.client.post(f"/messages/{message_id}/regenerate", data={"model": chat_user.model(model)},
                                 htmx=True).get_data(as_text=True)
    chat_user.wait()
    return body


def test_regenerate_adds_a_version_and_keeps_the_old_one(chat_user):
    chat_id = turn(chat_user, "hello")
    first_reply = chat_user.messages()[-1]
    branch = regenerate(chat_user, first_reply.id, model="fake-tokens-3")
    replies = [m for m in chat_user.messages() if m.role == "assistant"]
    assert len(replies) == 2 and replies[0].parent_id == replies[1].parent_id
    assert [r.active for r in replies] == [False, True]
    assert "2/2" in text_of(branch) and "fake-tokens-3" in branch
    assert branch.count("hx-sse:connect") == 1  # the new reply follows itself
    page = chat_user.client.get(f"/c/{chat_id}").text
    assert "2/2" in page and "Echo: hello" not in page


def test_switching_versions_shows_the_chosen_branch(chat_user):
    chat_id = turn(chat_user, "hello")
    original = chat_user.messages()[-1]
    regenerate(chat_user, original.id, model="fake-tokens-3")
    new = chat_user.messages()[-1]
    response = chat_user.client.post(f"/messages/{new.id}/switch", data={"to": original.id}, htmx=True)
    assert response.status_code == 200 and "1/2" in response.text and "Echo: hello" in response.text
    assert active_contents(chat_user, chat_id) == ["hello", "Echo: hello"]


def test_edit_makes_a_new_branch_and_the_old_one_stays_reachable(chat_user):
    chat_id = turn(chat_user, "first question")
    turn(chat_user, "follow up", chat_id)
    first_question = chat_user.messages()[0]
    form = chat_user.client.get(f"/messages/{first_question.id}/edit", htmx=True)
    assert form.status_code == 200 and "first question" in form.text and "<form" in form.text
    branch = chat_user.client.post(f"/messages/{first_question.id}/edit",
                                   data={"message": "better question", "model": chat_user.model()}, htmx=True).text
    chat_user.wait()
    assert "better question" in branch and "follow up" not in branch  # the list now shows the new branch
    assert active_contents(chat_user, chat_id) == ["better question", "Echo: better question"]
    edited = [m for m in chat_user.messages() if m.content == "better question"][0]
    assert edited.parent_id is None and first_question.parent_id is None
    page = chat_user.client.get(f"/c/{chat_id}").text
    assert "2/2" in page
    back = chat_user.client.post(f"/messages/{edited.id}/switch", data={"to": first_question.id}, htmx=True)
    assert "follow up" in back.text  # the old branch comes back whole, down to its newest leaf
    assert active_contents(chat_user, chat_id) == ["first question", "Echo: first question", "follow up",
                                                   "Echo: follow up"]


def test_the_provider_gets_the_chosen_branch_as_context(chat_user):
    chat_id = turn(chat_user, "version A")
    original_question = chat_user.messages()[0]
    chat_user.client.post(f"/messages/{original_question.id}/edit", data={"message": "version B",
                          "model": chat_user.model()}, htmx=True).get_data()
    chat_user.wait()
    chat_user.fake.reset()
    turn(chat_user, "and then?", chat_id)
    sent = [m["content"] for m in chat_user.fake.requests[0].json["messages"]]
    assert sent == ["version B", "Echo: version B", "and then?"]


def test_invalid_edit_rerenders_the_form_in_place(chat_user):
    turn(chat_user, "hello")
    question = chat_user.messages()[0]
    response = chat_user.client.post(f"/messages/{question.id}/edit", data={"message": "  "}, htmx=True)
    assert response.status_code == 422 and response.headers["HX-Retarget"] == f"#msg-{question.id}"
    assert "Type a message first" in response.text
    assert len(chat_user.messages()) == 2


def test_replies_cannot_be_edited_and_questions_cannot_be_regenerated(chat_user):
    turn(chat_user, "hello")
    question, reply = chat_user.messages()
    assert chat_user.client.post(f"/messages/{reply.id}/edit", data={"message": "x"}, htmx=True).status_code == 409
    assert chat_user.client.post(f"/messages/{question.id}/regenerate", htmx=True).status_code == 409
    assert len(chat_user.messages()) == 2


def test_switching_to_a_version_that_is_not_a_sibling_is_refused(chat_user):
    chat_id = turn(chat_user, "hello")
    question, reply = chat_user.messages(chat_id)
    response = chat_user.client.post(f"/messages/{reply.id}/switch", data={"to": question.id}, htmx=True)
    assert response.status_code == 409
    assert active_contents(chat_user, chat_id) == ["hello", "Echo: hello"]


def wingman_chat(app, user_id) -> tuple[int, int]:
    """A chat as Wingman wrote it (no parent links); returns (chat id, id of its last reply)."""
    with app.app_context():
        chat = Chat(user_id=user_id, name="From Wingman")
        db.session.add(chat)
        db.session.flush()
        for role, content in [("user", "q1"), ("assistant", "a1"), ("user", "q2"), ("assistant", "a2")]:
            db.session.add(Message(chat_id=chat.id, role=role, content=content, provider="OpenAI"))
        db.session.commit()
        return chat.id, db.session.scalars(db.select(Message.id).order_by(Message.id.desc())).first()


def test_branching_works_on_a_chat_wingman_wrote(chat_user, app):
    chat_id, last_reply = wingman_chat(app, chat_user.user_id)
    page = chat_user.client.get(f"/c/{chat_id}")
    assert all(text in page.text for text in ("q1", "a1", "q2", "a2"))
    regenerate(chat_user, last_reply)
    assert active_contents(chat_user, chat_id) == ["q1", "a1", "q2", "Echo: q2"]
    sent = [m["content"] for m in chat_user.fake.requests[-1].json["messages"]]
    assert sent == ["q1", "a1", "q2"]


def test_a_wingman_chat_shows_no_versions_before_anyone_branches_it(chat_user, app):
    chat_id, _ = wingman_chat(app, chat_user.user_id)
    page = chat_user.client.get(f"/c/{chat_id}").text
    assert 'class="versions"' not in page
    assert all(m.parent_id is None for m in chat_user.messages(chat_id))  # viewing rewrites nothing


def test_regenerating_an_earlier_reply_shows_the_new_branch_whole(chat_user):
    chat_id = turn(chat_user, "first")
    turn(chat_user, "second", chat_id)
    first_question, first_reply = chat_user.messages(chat_id)[:2]
    branch = regenerate(chat_user, first_reply.id, model="fake-tokens-3")
    assert f'id="msg-{first_question.id}"' in branch  # the list is drawn again, as the branch now is
    assert "second" not in branch and "Echo: second" not in branch  # the later turns left the page
    assert active_contents(chat_user, chat_id)[:1] == ["first"] and len(active_contents(chat_user, chat_id)) == 2


def test_actions_on_a_message_no_longer_on_the_shown_branch_are_refused(chat_user):
    chat_id = turn(chat_user, "first")
    turn(chat_user, "second", chat_id)
    u1, a1, u2, a2 = chat_user.messages(chat_id)
    regenerate(chat_user, a1.id)  # u2 and a2 leave the active branch; a stale tab still shows them
    before = active_contents(chat_user, chat_id)
    stale_edit = chat_user.client.post(f"/messages/{u2.id}/edit", data={"message": "x", "model": chat_user.model()},
                                       htmx=True)
    stale_regenerate = chat_user.client.post(f"/messages/{a2.id}/regenerate", data={"model": chat_user.model()},
                                             htmx=True)
    assert stale_edit.status_code == 409 and stale_regenerate.status_code == 409
    assert "reload" in stale_edit.text.lower()
    assert active_contents(chat_user, chat_id) == before


def test_an_edited_turns_reply_follows_itself_exactly_once(chat_user):
    turn(chat_user, "question")
    question = chat_user.messages()[0]
    response = chat_user.client.post(f"/messages/{question.id}/edit", data={"message": "better",
                                     "model": chat_user.model()}, htmx=True)
    chat_user.wait()
    reply = chat_user.messages()[-1]
    assert response.mimetype == "text/html"
    assert response.text.count("hx-sse:connect") == 1 and f'/messages/{reply.id}/stream' in response.text
