"""Reading ChatGPT's conversations.json: the current branch, text only, unknown shapes counted not raised."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pen.data.chatgpt import current_branch, epoch, parse_chatgpt
from pen.data.importers import InvalidImport

SAMPLE = json.loads((Path(__file__).parents[2] / "fixtures" / "chatgpt_conversations.json").read_text())


def node(node_id, parent, role, text, *, t=1.0, content_type="text", **message):
    return node_id, {"id": node_id, "parent": parent, "children": [], "message": {
        "author": {"role": role}, "content": {"content_type": content_type, "parts": [text]}, "create_time": t, **message}}


def conversation(*nodes, current=None, title="T"):
    mapping = dict(nodes)
    for key, value in mapping.items():
        if value["parent"] in mapping:
            mapping[value["parent"]]["children"].append(key)
    return {"title": title, "create_time": 1.0, "update_time": 2.0, "mapping": mapping, "current_node": current}


def test_the_sample_gives_six_chats_and_counts_what_it_left_out():
    plan = parse_chatgpt(SAMPLE)
    assert [c.name for c in plan.chats] == ["Kyoto in April", "Weather in Porto", "What plant is this?",
                                            "Average of numbers", "Haiku", "Untitled conversation"]
    assert plan.skipped == {
        "system message": 2, "hidden message": 1, "tool call": 3, "tool message": 2,
        "non-text message (thoughts)": 1, "non-text message (reasoning_recap)": 1, "non-text message (future_widget)": 1,
        "attachment (image or file)": 1, "unreadable message": 2, "message of an unknown kind": 1,
        "conversation without text messages": 1,
    }


def test_the_branch_follows_current_node_not_the_first_child():
    chat = conversation(node("u", None, "user", "Q"), node("a1", "u", "assistant", "old"), node("a2", "u", "assistant", "new"),
                        current="a2")
    messages = parse_chatgpt([chat]).chats[0].messages
    assert [(m.role, m.content, m.parent) for m in messages] == [("user", "Q", None), ("assistant", "new", 0)]


def test_without_current_node_the_latest_leaf_is_taken():
    chat = conversation(node("u", None, "user", "Q"), node("a1", "u", "assistant", "later", t=9.0),
                        node("a2", "u", "assistant", "earlier", t=5.0))
    assert parse_chatgpt([chat]).chats[0].messages[-1].content == "later"


def test_consecutive_replies_of_one_role_are_joined():
    chat = conversation(node("u", None, "user", "Q"), node("a1", "u", "assistant", "one"), node("a2", "a1", "assistant", "two"),
                        current="a2")
    assert [m.content for m in parse_chatgpt([chat]).chats[0].messages] == ["Q", "one\n\ntwo"]


def test_a_parent_loop_does_not_hang():
    _, first = node("x", "y", "user", "Q")
    _, second = node("y", "x", "assistant", "A")
    chat = {"title": "Loop", "mapping": {"x": first, "y": second}, "current_node": "y"}
    assert [m.content for m in parse_chatgpt([chat]).chats[0].messages] == ["Q", "A"]
    assert len(current_branch(chat["mapping"], "y")) == 2


@pytest.mark.parametrize("document", [[], [1, "two", None], [{"title": "x"}]])
def test_lists_that_are_not_chatgpt_exports_are_refused(document):
    with pytest.raises(InvalidImport):
        parse_chatgpt(document)


@pytest.mark.parametrize("value", [None, "1709316000", float("nan"), float("inf"), 1e20, True])
def test_odd_times_become_none(value):
    assert epoch(value) is None


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
ROLE = st.sampled_from(["user", "assistant", "system", "tool", "critic"]) | JSON
CONTENT = st.fixed_dictionaries({"content_type": st.sampled_from(["text", "multimodal_text", "code", "thoughts"]) | JSON},
                                optional={"parts": st.lists(st.text(max_size=10) | JSON, max_size=3) | JSON})
MESSAGE = st.fixed_dictionaries({}, optional={
    "author": st.fixed_dictionaries({"role": ROLE}) | JSON, "content": CONTENT | JSON, "create_time": JSON,
    "metadata": JSON, "recipient": st.sampled_from(["all", "browser"]) | JSON}) | JSON
NODE_ID = st.sampled_from(["a", "b", "c", "d"])
NODE = st.fixed_dictionaries({}, optional={"parent": NODE_ID | JSON, "children": JSON, "message": MESSAGE}) | JSON
CONVERSATION = st.fixed_dictionaries({"mapping": st.dictionaries(NODE_ID, NODE, max_size=4) | JSON},
                                     optional={"title": JSON, "create_time": JSON, "current_node": NODE_ID | JSON}) | JSON


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CONVERSATION, max_size=4))
def test_no_shape_of_conversation_crashes_the_reader(conversations):
    try:
        plan = parse_chatgpt(conversations)
    except InvalidImport:
        return
    for chat in plan.chats:
        assert chat.messages and all(m.role in ("user", "assistant") and m.content for m in chat.messages)
