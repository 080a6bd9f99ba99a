"""A misbehaving Bolt server for tests: a real TCP peer that speaks just enough Bolt to make the driver fail.

Not a mock of the driver: the official driver connects to it over a socket and meets, byte for byte, what an odd
server (an old Neo4j, something that is not Neo4j, a cluster member that goes away) would send. Each connection
runs ``behaviour(peer, conn)``; :class:`BoltPeer` offers the pieces (handshake, PackStream messages) to script it.
"""

from __future__ import annotations

import socket
import struct
import threading

MAGIC = b"\x60\x60\xb0\x17"
# Bolt message signatures (the ones the scripts here read or send).
HELLO, LOGON, BEGIN, RUN, PULL, ROUTE = 0x01, 0x6A, 0x11, 0x10, 0x3F, 0x66
SUCCESS, FAILURE, RECORD = 0x70, 0x7F, 0x71


def pack(value) -> bytes:
    """PackStream encoding of None, booleans, integers, strings, lists and maps (all these tests need)."""
    if value is None:
        return b"\xc0"
    if value is True or value is False:
        return b"\xc3" if value else b"\xc2"
    if isinstance(value, int):
        return b"\xcb" + struct.pack(">q", value)
    if isinstance(value, str):
        data = value.encode()
        head = bytes([0x80 + len(data)]) if len(data) < 16 else b"\xd0" + bytes([len(data)])
        return head + data
    if isinstance(value, list):
        return bytes([0x90 + len(value)]) + b"".join(pack(v) for v in value)
    if isinstance(value, dict):
        return bytes([0xA0 + len(value)]) + b"".join(pack(k) + pack(v) for k, v in value.items())
    raise TypeError(value)


def message(signature: int, *fields) -> bytes:
    """One Bolt message: a PackStream structure, chunked, with the end-of-message marker."""
    body = bytes([0xB0 + len(fields), signature]) + b"".join(pack(f) for f in fields)
    return struct.pack(">H", len(body)) + body + b"\x00\x00"


class BoltPeer:
    """A TCP server on 127.0.0.1 that runs ``behaviour(peer, conn)`` for every connection, in a thread each."""

    def __init__(self, behaviour):
        self.behaviour = behaviour
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._run, args=(conn,), daemon=True).start()

    def _run(self, conn: socket.socket) -> None:
        try:
            with conn:
                conn.settimeout(30)
                self.behaviour(self, conn)
        except OSError:
            pass

    def close(self) -> None:
        self.server.close()

    # -- what the scripts use -------------------------------------------------------------------------------
    @staticmethod
    def read_exact(conn: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                raise OSError("the client went away")
            data += chunk
        return data

    def handshake(self, conn: socket.socket, version: tuple[int, int] | None) -> None:
        """Read the client's preamble and proposals; answer ``version`` (major, minor) the old (v1) way."""
        assert self.read_exact(conn, 4) == MAGIC
        self.read_exact(conn, 16)
        if version is not None:
            conn.sendall(bytes([0, 0, version[1], version[0]]))

    def read_message(self, conn: socket.socket) -> int:
        """Read one whole message; return its signature."""
        body = b""
        while True:
            size = struct.unpack(">H", self.read_exact(conn, 2))[0]
            if size == 0:
                break
            body += self.read_exact(conn, size)
        return body[1]

    def send(self, conn: socket.socket, signature: int, *fields) -> None:
        conn.sendall(message(signature, *fields))
