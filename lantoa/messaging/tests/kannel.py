"""A real Kannel on loopback for tests: bearerbox, smsbox and the fake SMSC (`fakesmsc`), plus a tiny HTTP
server that records the callbacks Kannel makes (delivery reports, incoming messages).

    with KannelHarness(tmp_path, mo_url=callbacks.url + "/incoming") as kannel:
        gateway = KannelGateway(url=kannel.url, username=kannel.username, password=kannel.password)
        ...
        kannel.wait_received(lambda sms: sms.receiver == "0912345678")

Every port is a free one on 127.0.0.1 and every file lives in the given directory, so several test
processes can run side by side. The processes die with the harness (and with the Python process that
started them, through PR_SET_PDEATHSIG, should pytest itself be killed).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import http.server
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BEARERBOX = "/usr/sbin/bearerbox"
SMSBOX = "/usr/sbin/smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
BINARIES = (BEARERBOX, SMSBOX, FAKESMSC)

# The get-url query, as documented for the adapter (mo-recode turns UCS-2 replies into UTF-8 for %a).
MO_QUERY = "from=%p&to=%P&text=%a&coding=%c"

STOP_GRACE = 5.0  # seconds between SIGTERM and SIGKILL; bearerbox needs 2-3 s to exit cleanly


def missing_binaries() -> list[str]:
    return [path for path in BINARIES if not os.access(path, os.X_OK)]


def free_ports(count: int) -> list[int]:
    """Ports the kernel just handed out; all sockets stay open until the last is bound, so they differ."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _die_with_parent():
    """preexec_fn: SIGKILL the child when the thread that started it ends (a killed pytest leaves nothing)."""
    libc = _LIBC
    if libc is not None:
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


_LIBC = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True) if os.name == "posix" else None


# --- What the fake SMSC received ------------------------------------------------------------------------


@dataclass(frozen=True)
class FakeSms:
    sender: str
    receiver: str
    text: str
    kind: str  # how fakesmsc logged it: "text", "data", "ucs-2", "udh" (parts joined)
    parts: int = 1


_KINDS = ("text", "data", "ucs-2", "ucs2", "udh")


def _unquote(value: str) -> bytes:
    # Kannel's url-encoding writes byte 0x20 as "+" (and a real "+" as %2B), in UCS-2 too.
    return urllib.parse.unquote_to_bytes(value.replace("+", " "))


def _guess(data: bytes) -> str:
    """Text of a payload whose coding the log line does not name (8-bit "data", UDH parts).

    A UCS-2 Vietnamese text always has NUL high bytes (spaces, ASCII letters) or is not valid UTF-8."""
    if b"\x00" not in data:
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode("utf-8")
    return data.decode("utf-16-be", "replace")


def _concat_info(udh: bytes) -> tuple[int, int, int] | None:
    """(reference, total, sequence) from a concatenation UDH (8- or 16-bit reference), else None."""
    i = 1  # udh[0] is the header length
    while i + 1 < len(udh):
        iei, length = udh[i], udh[i + 1]
        body = udh[i + 2 : i + 2 + length]
        if iei == 0x00 and length == 3:
            return body[0], body[1], body[2]
        if iei == 0x08 and length == 4:
            return (body[0] << 8) | body[1], body[2], body[3]
        i += 2 + length
    return None


def parse_fakesmsc_log(text: str) -> list[FakeSms]:
    """Messages from fakesmsc's log lines `Got message N: <from to kind data>`, in order.

    - "text": the text as is. A newline in a GSM text ends fakesmsc's line, so a line that does not start
      with "from to kind" continues the text before it.
    - "ucs-2": url-encoded UTF-16-BE.
    - "udh <udh> data <payload>": one part of a concatenated message; parts are joined by reference.
    """
    out: list[dict] = []
    groups: dict[tuple, dict] = {}
    marker = "Got message "
    for line in text.splitlines():
        start = line.find(marker)
        if start < 0:
            continue
        head, sep, content = line[start + len(marker) :].partition(": <")
        if not sep or not head.isdigit() or not content.endswith(">"):
            continue
        content = content[:-1]
        fields = content.split(" ", 3)
        kind = fields[2] if len(fields) >= 3 else ""
        if kind not in _KINDS:
            if out and out[-1]["kind"] == "text":
                out[-1]["text"] += "\n" + content
            continue
        sender, receiver, payload = fields[0], fields[1], fields[3] if len(fields) > 3 else ""
        if kind == "text":
            out.append({"sender": sender, "receiver": receiver, "text": payload, "kind": kind})
        elif kind in ("ucs-2", "ucs2"):
            text_ = _unquote(payload).decode("utf-16-be", "replace")
            out.append({"sender": sender, "receiver": receiver, "text": text_, "kind": "ucs-2"})
        elif kind == "data":
            out.append({"sender": sender, "receiver": receiver, "text": _guess(_unquote(payload)), "kind": kind})
        else:  # udh
            udh_raw, _, rest = payload.partition(" ")
            sub_kind, _, data_raw = rest.partition(" ")
            data = data_raw.encode() if sub_kind == "text" else _unquote(data_raw)
            ucs2 = sub_kind in ("ucs-2", "ucs2")
            info = _concat_info(_unquote(udh_raw))
            if info is None:
                text_ = data.decode("utf-16-be", "replace") if ucs2 else _guess(data)
                out.append({"sender": sender, "receiver": receiver, "text": text_, "kind": "udh"})
                continue
            ref, total, seq = info
            key = (sender, receiver, ref, total)
            group = groups.get(key)
            if group is None or seq in group["chunks"]:  # a reused reference starts a new message
                group = {
                    "sender": sender,
                    "receiver": receiver,
                    "kind": "udh",
                    "chunks": {},
                    "ucs2": ucs2,
                    "total": total,
                }
                groups[key] = group
                out.append(group)
            group["chunks"][seq] = data
    result = []
    for item in out:
        if "chunks" in item:
            if len(item["chunks"]) < item["total"]:
                continue  # its other parts are still on their way: not a message yet
            data = b"".join(item["chunks"][seq] for seq in sorted(item["chunks"]))
            text_ = data.decode("utf-16-be", "replace") if item["ucs2"] else _guess(data)
            result.append(FakeSms(item["sender"], item["receiver"], text_, "udh", len(item["chunks"])))
        else:
            result.append(FakeSms(item["sender"], item["receiver"], item["text"], item["kind"]))
    return result


def _fakesmsc_line(sender: str, receiver: str, text: str) -> str:
    """One message in fakesmsc's input format; non-ASCII text goes as url-encoded UCS-2."""
    if text.isascii() and "\n" not in text:
        return f"{sender} {receiver} text {text}"
    return f"{sender} {receiver} ucs2 {urllib.parse.quote_from_bytes(text.encode('utf-16-be'), safe='')}"


# --- The callback server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Callback:
    path: str
    params: dict  # flat: the last value of each query parameter
    at: float  # time.monotonic() when it arrived


class CallbackServer:
    """Records every GET made to it and answers `answer` (status, body). Runs in a daemon thread."""

    def __init__(self, answer: tuple[int, str] = (200, "")):
        self.answer = answer
        self.calls: list[Callback] = []
        self._cond = threading.Condition()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                split = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(split.query, keep_blank_values=True))
                with owner._cond:
                    owner.calls.append(Callback(split.path, params, time.monotonic()))
                    owner._cond.notify_all()
                status, body = owner.answer
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # noqa: A002 (http.server's signature)
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="callbacks", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wait_for(self, predicate: Callable[[Callback], bool], count: int = 1, timeout: float = 10.0):
        """The first `count` calls matching `predicate`, waiting up to `timeout` seconds for them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [call for call in self.calls if predicate(call)]
                if len(found) >= count:
                    return found[:count]
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{len(found)}/{count} callbacks after {timeout}s; got {self.calls}")
                self._cond.wait(left)

    def __enter__(self) -> CallbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


# --- Kannel ---------------------------------------------------------------------------------------------


class KannelError(RuntimeError):
    pass


CONFIG = """\
group = core
admin-port = {admin_port}
admin-interface = 127.0.0.1
admin-password = {admin_password}
status-password = {admin_password}
smsbox-port = {smsbox_port}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 0
access-log = "{dir}/access.log"
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {smsc_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
mo-recode = true
log-file = "{dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = {username}
password = {password}
concatenation = true
max-messages = 10

group = sms-service
keyword = default
get-url = "{get_url}"
catch-all = true
max-messages = 0
"""


class KannelHarness:
    """bearerbox + smsbox + fakesmsc on free loopback ports; a context manager that always cleans up."""

    username = "lantoa"
    password = "secret-pw"
    admin_password = "admin-pw"

    def __init__(self, directory: Path | str, mo_url: str | None = None, start_timeout: float = 15.0):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.mo_url = mo_url
        self.start_timeout = start_timeout
        self.procs: dict[str, subprocess.Popen] = {}
        self._logs: list = []
        self._fakesmsc_logs: list[Path] = []
        self._fakesmsc_runs = 0
        self.admin_port = self.smsbox_port = self.smsc_port = self.sendsms_port = 0
        self._bearerbox_log_start = 0

    # -- addresses

    @property
    def url(self) -> str:
        """smsbox's base URL (the gateway's `url`)."""
        return f"http://127.0.0.1:{self.sendsms_port}"

    @property
    def sendsms_url(self) -> str:
        return f"{self.url}/cgi-bin/sendsms"

    def get_url(self) -> str:
        if not self.mo_url:
            return f"http://127.0.0.1:9/unused?{MO_QUERY}"  # nothing listens: smsbox logs an error
        if "%" in self.mo_url:
            return self.mo_url  # already a Kannel template
        return f"{self.mo_url}{'&' if '?' in self.mo_url else '?'}{MO_QUERY}"

    # -- life cycle

    def __enter__(self) -> KannelHarness:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        missing = missing_binaries()
        if missing:
            raise KannelError(f"Kannel binaries missing: {', '.join(missing)}")
        last: Exception | None = None
        for _attempt in range(3):  # another process may take a port between picking and binding it
            try:
                self._start_once()
                return
            except KannelError as exc:
                last = exc
                self.stop()
            except BaseException:
                self.stop()  # __exit__ does not run when __enter__ fails
                raise
        raise last  # type: ignore[misc]

    def _start_once(self) -> None:
        self.admin_port, self.smsbox_port, self.smsc_port, self.sendsms_port = free_ports(4)
        config = self.dir / "kannel.conf"
        self._bearerbox_log_start = len(_read(self.dir / "bearerbox.log"))  # the log of an earlier try stays
        config.write_text(
            CONFIG.format(
                dir=self.dir,
                admin_port=self.admin_port,
                smsbox_port=self.smsbox_port,
                smsc_port=self.smsc_port,
                sendsms_port=self.sendsms_port,
                admin_password=self.admin_password,
                username=self.username,
                password=self.password,
                get_url=self.get_url(),
            )
        )
        deadline = time.monotonic() + self.start_timeout
        self._spawn("bearerbox", [BEARERBOX, str(config)])
        self._wait(deadline, "bearerbox admin port", lambda: self.status() is not None, "bearerbox")
        # smsbox gives up at once when bearerbox's box port is not open yet (it opens after the admin port).
        # Not probed with a connection: bearerbox would take it for a box and keep smsbox waiting ~1 s.
        self._wait(deadline, "bearerbox start-up", self._bearerbox_started, "bearerbox")
        self._spawn("smsbox", [SMSBOX, str(config)])
        self._wait(deadline, "smsbox sendsms port", self._sendsms_answers, "smsbox")
        self._wait(deadline, "smsbox connected to bearerbox", lambda: "smsbox:" in (self.status() or ""), "smsbox")
        self.start_fakesmsc()
        self._wait(deadline, "fake SMSC online", self.smsc_online, "fakesmsc")

    def start_fakesmsc(self, *messages: str, count: int = 0, interval: float = 0.1) -> Path:
        """(Re)start fakesmsc; it sends `count` of `messages` (fakesmsc's format) then keeps receiving.

        bearerbox serves one fakesmsc at a time, so the previous one is stopped first."""
        self._stop_proc("fakesmsc")
        self._fakesmsc_runs += 1
        log = self.dir / f"fakesmsc-{self._fakesmsc_runs}.log"
        self._fakesmsc_logs.append(log)
        argv = [FAKESMSC, "-H", "127.0.0.1", "-r", str(self.smsc_port), "-i", str(interval), "-m", str(count)]
        # fakesmsc wants at least one message even when it sends none.
        self._spawn("fakesmsc", [*argv, *(messages or ("0 0 text unused",))], log=log)
        return log

    def stop_fakesmsc(self) -> None:
        """Disconnect the SMSC: bearerbox then queues what it is given ("3: Queued for later delivery")."""
        self._stop_proc("fakesmsc")
        self._wait(time.monotonic() + 5, "fake SMSC offline", lambda: not self.smsc_online(), "bearerbox")

    def reconnect_fakesmsc(self, timeout: float = 10.0) -> None:
        self.start_fakesmsc()
        self._wait(time.monotonic() + timeout, "fake SMSC online", self.smsc_online, "fakesmsc")

    def send_incoming(self, sender: str, receiver: str, text: str, timeout: float = 10.0) -> None:
        """Have the SMSC deliver one message from `sender` to `receiver` (smsbox then calls the get-url)."""
        before = self.smsc_received()
        self.start_fakesmsc(_fakesmsc_line(sender, receiver, text), count=1)
        # Wait for bearerbox to have read it: stopping fakesmsc earlier (the next call) could lose it.
        deadline = time.monotonic() + timeout
        self._wait(deadline, "bearerbox got the message", lambda: self.smsc_received() > before, "fakesmsc")

    def stop(self) -> None:
        """SIGTERM everything at once, SIGKILL what is still there after STOP_GRACE seconds."""
        for name in ("fakesmsc", "smsbox", "bearerbox"):
            if name in self.procs:
                _signal_group(self.procs[name], signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for name in list(self.procs):
            self._reap(name, deadline)
        for handle in self._logs:
            handle.close()
        self._logs.clear()

    def kill(self, name: str) -> None:
        """SIGKILL one process (and what it forked) now, e.g. bearerbox to see what smsbox does."""
        if name in self.procs:
            _signal_group(self.procs[name], signal.SIGKILL)
        self._reap(name, time.monotonic() + STOP_GRACE)

    def _stop_proc(self, name: str) -> None:
        if name in self.procs:
            _signal_group(self.procs[name], signal.SIGTERM)
        self._reap(name, time.monotonic() + STOP_GRACE)

    def _reap(self, name: str, deadline: float) -> None:
        proc = self.procs.pop(name, None)
        if proc is None:
            return
        try:
            proc.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=5)
        # smsbox forks a new copy of itself when bearerbox goes away: that one is in the group too.
        _signal_group(proc, signal.SIGKILL)

    def _spawn(self, name: str, argv: list[str], log: Path | None = None) -> None:
        handle = open(log or self.dir / f"{name}.out", "ab")  # noqa: SIM115 (closed in stop())
        self._logs.append(handle)
        self.procs[name] = subprocess.Popen(
            argv,
            cwd=self.dir,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,  # fakesmsc logs what it gets on stderr
            start_new_session=True,  # a process group of its own, so its forks can be stopped with it
            preexec_fn=_die_with_parent,  # from the main thread: PDEATHSIG follows the thread that forks
        )

    def _wait(self, deadline: float, what: str, ready: Callable[[], bool], name: str) -> None:
        while True:
            for proc_name, proc in self.procs.items():
                if proc.poll() is not None:
                    raise KannelError(f"{proc_name} exited ({proc.returncode}) waiting for {what}\n{self.logs()}")
            if ready():
                return
            if time.monotonic() > deadline:
                raise KannelError(f"timed out waiting for {what} ({name})\n{self.logs()}")
            time.sleep(0.05)

    # -- probes

    def status(self) -> str | None:
        """bearerbox's status.txt, or None while it does not answer."""
        url = f"http://127.0.0.1:{self.admin_port}/status.txt?password={self.admin_password}"
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (loopback)
                return response.read().decode("utf-8", "replace")
        except (OSError, urllib.error.URLError):
            return None

    def _bearerbox_started(self) -> bool:
        return "Start-up done" in _read(self.dir / "bearerbox.log")[self._bearerbox_log_start :]

    def smsc_online(self) -> bool:
        status = self.status() or ""
        return any(line.strip().startswith("fake[fake]") and "(online" in line for line in status.splitlines())

    def smsc_received(self) -> int:
        """How many messages bearerbox has read from the fake SMSC (all fakesmsc runs), per its status."""
        for line in (self.status() or "").splitlines():
            if line.strip().startswith("fake[fake]"):
                match = re.search(r"rcvd: sms (\d+)", line)
                return int(match.group(1)) if match else 0
        return 0

    def _sendsms_answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.sendsms_url, timeout=1):  # noqa: S310 (loopback)
                return True
        except urllib.error.HTTPError:
            return True  # 403 without credentials: smsbox is there
        except OSError:
            return False

    # -- what the SMSC got

    def received(self) -> list[FakeSms]:
        """Every message fakesmsc received so far (all its runs), texts decoded."""
        return parse_fakesmsc_log("\n".join(_read(log) for log in self._fakesmsc_logs))

    def wait_received(self, predicate: Callable[[FakeSms], bool], count: int = 1, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while True:
            found = [sms for sms in self.received() if predicate(sms)]
            if len(found) >= count:
                return found[:count]
            if time.monotonic() > deadline:
                raise AssertionError(f"{len(found)}/{count} messages after {timeout}s; got {self.received()}")
            time.sleep(0.05)

    def logs(self, lines: int = 15) -> str:
        """The end of every log, for failure messages."""
        parts = []
        for path in sorted(self.dir.glob("*.log")) + sorted(self.dir.glob("*.out")):
            tail = _read(path).splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(parts)


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    """Signal the process group `proc` leads (start_new_session: its pgid is its pid)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def _read(path: Path) -> str:
    try:
        # Only whole lines: a line fakesmsc is still writing is read next time.
        text = path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""
    return text[: text.rfind("\n") + 1]
