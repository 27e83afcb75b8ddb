"""mq providers (Coze Studio's eventbus), chosen by URI scheme.

    from providers.mq import open_mq
    mq = open_mq("mem://")
    mq.register_consumer("", "topic", "group", handler)
    mq.new_producer("topic").send(b"hello")

Schemes: ``mem`` (providers/mq/memory.py: in-process, every parameter documented there).
"""

from __future__ import annotations

from typing import Any

from providers.mq.contract import ConsumerHandler, Handler, Message, MessageQueue, Producer
from providers.registry import SchemeRegistry

MQ: SchemeRegistry[MessageQueue] = SchemeRegistry("mq", modules=("providers.mq.memory",))

DEFAULT_URI = "mem://"


def open_mq(uri: str, **kwargs: Any) -> MessageQueue:
    """Open the message queue named by ``uri``; keyword arguments go to the scheme's opener."""
    return MQ.open(uri, **kwargs)


__all__ = ["DEFAULT_URI", "MQ", "ConsumerHandler", "Handler", "Message", "MessageQueue", "Producer", "open_mq"]
