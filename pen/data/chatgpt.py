"""ChatGPT's `conversations.json`: a list of conversations, each a tree of nodes (`mapping`).

For each conversation the branch the user last saw is taken: from `current_node` up through the
parents to the root, then reversed. Of that branch only user and assistant messages with text
are kept (`content_type` "text" or "multimodal_text", string parts); system, tool and hidden
messages, tool calls and non-text content are left out and counted. Unknown shapes never raise:
they are counted too. Consecutive messages of the same role are joined, so the chat alternates.
"""

import math
from datetime import UTC, datetime

from pen.data.importers import CONTENT_MAX_BYTES, ImportPlan, InvalidImport
from pen.data.restore import NewChat, NewMessage

PROVIDER = "OpenAI"
TEXT_TYPES = ("text", "multimodal_text")
KEPT_ROLES = ("user", "assistant")


def parse_chatgpt(conversations: list) -> ImportPlan:
    if not conversations:
        raise InvalidImport("The file has no conversations to import.")
    if not any(isinstance(item, dict) and isinstance(item.get("mapping"), dict) for item in conversations):
        raise InvalidImport("This JSON list is not a ChatGPT conversations.json (no conversation has a mapping).")
    plan = ImportPlan("ChatGPT export")
    for item in conversations:
        if not isinstance(item, dict) or not isinstance(item.get("mapping"), dict):
            plan.skipped["unreadable conversation"] += 1
            continue
        messages = branch_messages(item, plan)
        if not messages:
            plan.skipped["conversation without text messages"] += 1
            continue
        title = item.get("title")
        plan.chats.append(NewChat(
            name=title.strip() if isinstance(title, str) and title.strip() else "Untitled conversation",
            messages=messages, created_at=epoch(item.get("create_time")), timestamp=epoch(item.get("update_time")),
        ))
    return plan


def branch_messages(conversation: dict, plan: ImportPlan) -> list[NewMessage]:
    messages: list[NewMessage] = []
    for node in current_branch(conversation["mapping"], conversation.get("current_node")):
        kept = node_message(node, plan)
        if kept is None:
            continue
        if messages and messages[-1].role == kept.role:  # joined: tool steps split one reply into several
            previous = messages[-1]
            previous.content = f"{previous.content}\n\n{kept.content}"
            previous.model = kept.model or previous.model
            continue
        kept.parent = len(messages) - 1 if messages else None
        messages.append(kept)
    if any(len(m.content) * 4 > CONTENT_MAX_BYTES and len(m.content.encode()) > CONTENT_MAX_BYTES for m in messages):
        raise InvalidImport(f"A message in “{conversation.get('title') or 'a conversation'}” is larger than 16 MB.")
    return messages


def current_branch(mapping: dict, current: object) -> list[dict]:
    """Nodes from the root to `current_node` (or, if that is missing, to the latest leaf)."""
    node_id = current if isinstance(current, str) and current in mapping else latest_leaf(mapping)
    path, seen = [], set()
    while isinstance(node_id, str) and node_id in mapping and node_id not in seen:
        seen.add(node_id)
        node = mapping[node_id]
        if not isinstance(node, dict):
            break
        path.append(node)
        node_id = node.get("parent")
    return path[::-1]


def latest_leaf(mapping: dict) -> str | None:
    leaves = [(created(node), key) for key, node in mapping.items() if isinstance(node, dict) and not node.get("children")]
    return max(leaves)[1] if leaves else None


def created(node: dict) -> float:
    message = node.get("message")
    stamp = message.get("create_time") if isinstance(message, dict) else None
    return stamp if isinstance(stamp, (int, float)) and math.isfinite(stamp) else 0.0


def node_message(node: dict, plan: ImportPlan) -> NewMessage | None:
    """The node as a Pen message, or None (and the reason counted) when it is not user/assistant text."""
    message = node.get("message")
    if message is None:  # the root and other empty nodes
        return None
    if not isinstance(message, dict):
        plan.skipped["unreadable message"] += 1
        return None
    author = message.get("author")
    role = author.get("role") if isinstance(author, dict) else None
    metadata = message.get("metadata") if isinstance(message.get("metadata"), dict) else {}
    if role not in KEPT_ROLES:
        plan.skipped[f"{role} message" if role in ("system", "tool") else "message of an unknown kind"] += 1
        return None
    if metadata.get("is_visually_hidden_from_conversation"):
        plan.skipped["hidden message"] += 1
        return None
    if message.get("recipient") not in (None, "all"):
        plan.skipped["tool call"] += 1
        return None
    text = message_text(message.get("content"), plan)
    if not text:
        return None
    model = metadata.get("model_slug")
    return NewMessage(role=role, content=text, provider=PROVIDER, model=model if isinstance(model, str) else None,
                      timestamp=epoch(message.get("create_time")))


def message_text(content: object, plan: ImportPlan) -> str | None:
    if not isinstance(content, dict):
        plan.skipped["unreadable message"] += 1
        return None
    kind = content.get("content_type")
    if kind not in TEXT_TYPES:
        plan.skipped[f"non-text message ({kind})" if isinstance(kind, str) else "unreadable message"] += 1
        return None
    parts = content.get("parts")
    if not isinstance(parts, list):
        plan.skipped["unreadable message"] += 1
        return None
    strings = [part for part in parts if isinstance(part, str)]
    if len(strings) < len(parts):
        plan.skipped["attachment (image or file)"] += len(parts) - len(strings)
    return "\n\n".join(part for part in strings if part.strip()).strip() or None


def epoch(value: object) -> datetime | None:
    """ChatGPT's float seconds → naive UTC with millisecond precision; anything else → None."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
        return None
    try:
        moment = datetime.fromtimestamp(value, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):
        return None
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)
