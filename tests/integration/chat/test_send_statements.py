"""The send path's database work before the stream starts (it is on every message's time to first
token): one transaction, and a fixed number of statements besides reading the conversation, which
reads back in batches until the context budget is full."""

import threading

from sqlalchemy import event

from pen.extensions import db
from tests.integration.perf.test_query_counts import add_chat

MAX_SEND_STATEMENTS = 8  # user, chat, providers with keys, lock, newest message, 2 inserts, conversation
CONVERSATION_BATCH = "SELECT chat_messages.id, chat_messages.role, chat_messages.content, chat_messages.status"


def database_work_of_send(chat_user, chat_id: int) -> tuple[list[str], int]:
    """Statements and transactions of the request's own thread (the reply's thread is left out)."""
    request_thread = threading.current_thread()
    mine = []
    begins = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if threading.current_thread() is request_thread:
            mine.append(statement)

    def begin(conn):
        if threading.current_thread() is request_thread:
            begins.append(conn)

    with chat_user.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "begin", begin)
    try:
        response = chat_user.send("one more", chat_id=chat_id, listed=False, buffered=False)
        assert response.status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "begin", begin)
    response.get_data()
    chat_user.wait()
    return mine, len(begins)


def test_a_send_is_one_transaction_with_the_same_statements_for_a_small_and_a_big_chat(chat_user):
    chat_user.allow("fake-echo")
    small, big = add_chat(chat_user.app, chat_user.user_id, 10, "Small"), add_chat(chat_user.app, chat_user.user_id,
                                                                                   1000, "Big")
    database_work_of_send(chat_user, small)  # warm: first-request work is not what is measured
    small_statements, small_transactions = database_work_of_send(chat_user, small)
    big_statements, big_transactions = database_work_of_send(chat_user, big)
    assert small_transactions == big_transactions == 1
    assert len(small_statements) <= MAX_SEND_STATEMENTS, "\n".join(small_statements)
    besides_conversation = [[s for s in sent if not s.startswith(CONVERSATION_BATCH)]
                            for sent in (small_statements, big_statements)]
    assert len(besides_conversation[0]) == len(besides_conversation[1]) == MAX_SEND_STATEMENTS - 1
