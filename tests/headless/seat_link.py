"""The seat link's wire format (include/protocol.h) in Python, to play multiseatd's part
against a real compositor: one message per SOCK_SEQPACKET packet, header {opcode, size},
fixed-size NUL-terminated strings, fds as SCM_RIGHTS."""

import array
import socket
import struct

VERSION = 3
HELLO, DRM_LEASE, DRM_REVOKED, DRM_RESCAN = 1, 2, 3, 4
INPUT_ADD, INPUT_REMOVE, IDENTIFY, KEYMAP, SESSION_START = 5, 6, 7, 8, 9
SESSION_PLACED = 10
LOGIN_TEXT, LOGIN_FAILED, LOGIN_ACCEPTED, LOGGED_OUT = 11, 12, 13, 14
SYSRQ_SETTING = 15
HOLD_SESSION, PLACE_SESSIONS, GREETER = 1, 2, 4
READY, ERROR, SESSION_SPAWNED, LOGIN = 64, 65, 66, 67
TEXT_INFO, TEXT_ERROR = 1, 2
KEYBOARD, POINTER = 1, 2
MAX_SLOTS = 4  # lease slots: one per card of the seat


def _s(text, size):
    raw = text.encode()
    if len(raw) >= size:
        raise ValueError(f"{text!r} does not fit in {size} bytes")
    return raw.ljust(size, b"\0")


def keymap(layout="us", variant="", options=""):
    return _s(layout, 64) + _s(variant, 64) + _s(options, 128)


def hello(seat, number, layout="us", variant="", options="", flags=0):
    return (struct.pack("<III", VERSION, number, flags) + _s(seat, 32)
            + keymap(layout, variant, options))


def identify(text):
    return _s(text, 1200)


def input_add(dev_id, caps, devnode, name):
    return struct.pack("<II", dev_id, caps) + _s(devnode, 64) + _s(name, 128)


def drm_lease(lessee_id, card, slot=0):
    """LINK_DRM_LEASE's body: the lease of one card, in its slot of the seat."""
    return struct.pack("<II", slot, lessee_id) + _s(card, 96)


def drm_slot(slot):
    """LINK_DRM_REVOKED's and LINK_DRM_RESCAN's body: the slot they are about."""
    return struct.pack("<I", slot)


def session_placed(pid, result=0):
    return struct.pack("<ii", pid, result)


def login_text(text, kind=TEXT_INFO):
    return struct.pack("<I", kind) + _s(text, 256)


def login_failed(text, retry_ms=0):
    return struct.pack("<I", retry_ms) + _s(text, 256)


def login_accepted(uid, user):
    return struct.pack("<I", uid) + _s(user, 64)


def pair():
    """(daemon end, compositor end): give the second to the compositor as --seat-fd."""
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    b.set_inheritable(True)
    return a, b


def send(sock, opcode, body=b"", fd=None, claimed_size=None):
    size = len(body) if claimed_size is None else claimed_size
    data = struct.pack("<HH", opcode, size) + body
    if fd is None:
        sock.sendmsg([data])
    else:
        sock.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])


def receive(sock, timeout=10):
    """(opcode, fields) of the next message, or None when the link closed."""
    sock.settimeout(timeout)
    data, _, _, _ = sock.recvmsg(1024, socket.CMSG_SPACE(16))
    if not data:
        return None
    opcode, size = struct.unpack_from("<HH", data)
    body = data[4:4 + size]
    if opcode == READY:
        return opcode, {"socket": body.split(b"\0")[0].decode()}
    if opcode == SESSION_SPAWNED:
        pid, = struct.unpack_from("<i", body)
        return opcode, {"pid": pid}
    if opcode == LOGIN:
        return opcode, {"user": body[:64].split(b"\0")[0].decode(errors="replace"),
                        "password": body[64:320].split(b"\0")[0].decode(errors="replace")}
    if opcode == ERROR:
        code, = struct.unpack_from("<i", body)
        return opcode, {"code": code, "message": body[4:].split(b"\0")[0].decode()}
    return opcode, {"raw": body}
