"""`python -m shop.local.runtime.fork_server <socket fd>`: the process every execution environment
is forked from. It imports once the libraries every function imports, so a cold start pays
for the function's own modules only, and the environments share those pages.

The runtime sends one request per environment over a SOCK_SEQPACKET socket: the dotted path,
the environment variables, and (as SCM_RIGHTS) the two pipe ends the environment talks over.
It answers with the new process's id, and exits when the runtime closes the socket.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import socket
import sys

PRELOADED = (
    "botocore.session",
    "pydantic",
    "dependency_injector.containers",
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.metrics",
)
_MAX_REQUEST_BYTES = 1 << 20


def main(socket_fd: int) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the stack stops us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # environments are reaped as they exit
    channel = socket.socket(fileno=socket_fd)
    from shop.local.runtime import worker

    for module in PRELOADED:
        with contextlib.suppress(ImportError):  # a library no function uses here
            importlib.import_module(module)
    channel.send(b'{"ready": true}')
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(channel, _MAX_REQUEST_BYTES, 2)
        except OSError:
            return 0
        if not message:
            return 0  # the runtime closed the socket: the stack is gone
        request = json.loads(message)
        pid = os.fork()
        if pid == 0:
            channel.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            worker.main(request["dotted_path"], request["environment"], fds[0], fds[1])
            os._exit(0)
        for fd in fds:
            os.close(fd)
        channel.send(json.dumps({"pid": pid}).encode())


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1])))
