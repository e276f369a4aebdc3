"""Running uvicorn for ``vigil serve``: one process, or N worker processes on one shared socket."""

from __future__ import annotations

import socket
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess

__all__ = ["APP", "TcpConfig", "run_server"]

APP = "vigil.api.worker:create_worker_app"


class TcpConfig(uvicorn.Config):
    """uvicorn's config, with a shared listening socket that says it is TCP.

    uvicorn binds the socket of its workers as ``socket(family)``, whose ``proto`` is 0; asyncio
    then does not set ``TCP_NODELAY`` on the connections it accepts (it checks for ``IPPROTO_TCP``),
    and every answer on a kept-alive connection waits some 40 ms for the client's delayed ACK. The
    same descriptor, declared TCP, makes asyncio set it. (The worker processes receive this config
    pickled: the class lives at module level.)
    """

    def bind_socket(self) -> socket.socket:
        sock = super().bind_socket()
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            sock = socket.socket(sock.family, sock.type, socket.IPPROTO_TCP, fileno=sock.detach())
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock


def run_server(host: str, port: int, workers: int, log_level: str) -> None:
    """Serve :data:`APP` (built in each process from ``VIGIL_SERVE_SPEC``) until interrupted.

    Args:
        host, port: where to listen.
        workers: processes; 1 serves from this process.
        log_level: uvicorn's log level.
    """
    options: dict[str, Any] = {"factory": True, "host": host, "port": port, "log_level": log_level}
    if workers == 1:
        uvicorn.run(APP, workers=1, server_header=False, **options)
        return
    config = TcpConfig(APP, workers=workers, server_header=False, **options)
    try:
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    except KeyboardInterrupt:
        pass
