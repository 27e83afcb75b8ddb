"""mq providers (Coze Studio's eventbus), chosen by URI scheme.

    from providers.mq import open_mq
    mq = open_mq("mem://")
    mq.register_consumer("", "topic", "group", handler)
    mq.new_producer("topic").send(b"hello")

Every bus is the portable `MessageQueue` (providers/mq/contract.py) over an implementation's driver
(providers/mq/driver.py). Implementations (every parameter documented in their modules): ``mem``
(providers/mq/mem.py: in-process) and ``nats`` (providers/mq/nats.py: NATS JetStream). ``nsq://`` is
refused, pointing to ``nats://``: no NSQ server could be tested here, so no NSQ client ships.
"""

from __future__ import annotations

from typing import Any

from providers.mq.contract import ConsumerHandler, Handler, MessageQueue, Producer
from providers.mq.message import Message
from providers.registry import SchemeRegistry

MQ: SchemeRegistry[MessageQueue] = SchemeRegistry("mq", modules=("providers.mq.mem", "providers.mq.nats"))
MQ.refuse("nsq", why="no NSQ client is shipped (no NSQ server could be tested); use NATS JetStream "
                     "(MQ_URI=nats://HOST:4222) or the in-process queue (MQ_URI=mem://)")


def open_mq(uri: str, **kwargs: Any) -> MessageQueue:
    """Open the message queue named by ``uri``; keyword arguments go to the scheme's opener."""
    return MQ.open(uri, **kwargs)


__all__ = ["MQ", "ConsumerHandler", "Handler", "Message", "MessageQueue", "Producer", "open_mq"]
