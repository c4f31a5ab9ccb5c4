"""Local fakes of eSMS, SpeedSMS and Zalo ZNS that follow the documented requests and answers.

Each fake is a ThreadingHTTPServer on 127.0.0.1 (a free port) that checks a request the way the
provider documents it (credentials, required fields, phone form, brandname / template), answers in the
provider's shape, and keeps what it received. Tests can make the next request(s) misbehave:

    fake.next("error", code="104")     # the provider's own error answer for that code
    fake.next("http", status=500)      # a bare HTTP status (body optional)
    fake.next("hang", seconds=5)       # answer only after the client has given up
    fake.next("garbage")               # HTTP 200 with an HTML page instead of JSON
    fake.next("empty")                 # HTTP 200 with an empty body
    fake.next("invalid_phone")         # SpeedSMS only: "success" listing the number in invalidPhone

Use the context managers (`esms_server()`, `speedsms_server()`, `zns_server()`) or the fixtures of the
same provider name (`esms_fake`, ...). `.url` is the base URL to give the gateway, `.received` the JSON
bodies (list of dicts), `.requests` the same with path and headers. Where the docs are silent (what a
wrong SpeedSMS token gets, ZNS template checks) the fake's answer is our guess, marked so below.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
import uuid
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

ESMS_API_KEY = "esms-test-key"
ESMS_SECRET = "esms-test-secret"
SPEEDSMS_TOKEN = "speedsms-test-token"
ZNS_TOKEN = "zns-test-access-token"
BRANDNAME = "BHXH"
ZNS_TEMPLATE = "231207"
ZNS_TEMPLATE_PARAMS = ("ho_ten", "noi_dung")


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeProvider/1.0"

    def log_message(self, format, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self._reply(405, b"method not allowed", "text/plain")

    def do_POST(self):
        fake: FakeProvider = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {k.lower(): v for k, v in self.headers.items()}
        fake._record({"path": self.path, "headers": headers, "raw": raw.decode("utf-8", "replace"), "json": body})
        behaviour = fake._pop()
        kind = behaviour.pop("kind", "ok")
        if kind == "hang":
            # Outlive the client's timeout, then process the request as the provider would: the work is
            # done but the answer is lost. stop() cuts the wait short so tests do not linger.
            fake._stopping.wait(behaviour.get("seconds", 5))
            kind = "ok"
        if kind == "http":
            self._reply(behaviour.get("status", 500), behaviour.get("body", b"Internal Server Error"), "text/plain")
        elif kind == "garbage":
            self._reply(200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        elif kind == "empty":
            self._reply(200, b"")
        elif kind == "error":
            self._reply(200, json.dumps(fake.error_body(behaviour["code"], behaviour.get("message"))).encode())
        else:
            status, answer = fake.handle(self.path, headers, body, behaviour=kind)
            data = answer if isinstance(answer, bytes) else json.dumps(answer, ensure_ascii=False).encode()
            self._reply(status, data, "text/plain" if isinstance(answer, bytes) else "application/json")

    def _reply(self, status: int, data: bytes, content_type: str = "application/json") -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", f"{content_type}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client timed out and left
            pass


class FakeProvider:
    """The server plumbing; subclasses implement `handle` and `error_body` like their provider."""

    def __init__(self):
        self.received: list[dict] = []
        self.requests: list[dict] = []
        self._behaviours: deque[dict] = deque()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    # -- control -----------------------------------------------------------------------------------
    def next(self, kind: str, **options) -> FakeProvider:
        """Make the next request (in queue order) misbehave; see the module docstring."""
        with self._lock:
            self._behaviours.append({"kind": kind, **options})
        return self

    def start(self) -> FakeProvider:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.block_on_close = False
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        # A short poll interval: shutdown() waits for one poll, and every test stops a server.
        threading.Thread(
            target=server.serve_forever, args=(0.05,), name=f"fake-{type(self).__name__}", daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- plumbing ----------------------------------------------------------------------------------
    def _record(self, request: dict) -> None:
        with self._lock:
            self.requests.append(request)
            self.received.append(request["json"] if isinstance(request["json"], dict) else {"_raw": request["raw"]})

    def _pop(self) -> dict:
        with self._lock:
            return dict(self._behaviours.popleft()) if self._behaviours else {"kind": "ok"}

    def handle(self, path: str, headers: dict, body, *, behaviour: str) -> tuple[int, dict | bytes]:
        raise NotImplementedError

    def error_body(self, code, message: str | None = None) -> dict:
        raise NotImplementedError


# ---------------------------------------------------------------------------------------------------
# eSMS: SendMultipleMessage_V4_post_json


class FakeEsms(FakeProvider):
    PATH = "/MainService.svc/json/SendMultipleMessage_V4_post_json/"
    MESSAGES = {  # the provider's own words, from the docs' answer samples and error table
        "99": "Invalid request",
        "101": "Authorize Failed",
        "102": "No price list available",
        "103": "Not enough balance to send message",
        "104": "Brand name code is not exist",
        "108": "Phone number is not in correct format",
        "118": "Unsupported message type",
        "124": "Duplicate RequestId",
        "140": "IP is not whitelisted",
        "146": "Wrong customer care template",
        "177": "The network is not registered",
        "300": "Missing message type",
    }
    PHONE = re.compile(r"^(0|84)\d{9}$")

    def __init__(self, *, api_key=ESMS_API_KEY, secret=ESMS_SECRET, brandnames=(BRANDNAME,)):
        super().__init__()
        self.api_key, self.secret, self.brandnames = api_key, secret, set(brandnames)
        self.request_ids: set[str] = set()
        self.accepted: dict[str, dict] = {}  # SMSID -> request body

    def error_body(self, code, message=None):
        code = str(code)
        if code == "99":  # documented as a bare {"error": ...} without CodeResult
            return {"error": message or self.MESSAGES["99"]}
        return {"CodeResult": code, "CountRegenerate": 0, "ErrorMessage": message or self.MESSAGES.get(code, "")}

    def handle(self, path, headers, body, *, behaviour):
        if path.rstrip("/") != self.PATH.rstrip("/"):
            return 404, b"Endpoint not found."
        if not isinstance(body, dict):
            return 400, b"Request Error: the body is not JSON."
        if body.get("ApiKey") != self.api_key or body.get("SecretKey") != self.secret:
            return 200, self.error_body("101")
        sms_type = str(body.get("SmsType") or "")
        if not sms_type:
            return 200, self.error_body("300")
        if sms_type not in ("1", "2", "8"):
            return 200, self.error_body("118")
        if not self.PHONE.match(str(body.get("Phone") or "")):
            return 200, self.error_body("108")
        if not str(body.get("Content") or "").strip():
            return 200, self.error_body("99")
        for flag in ("IsUnicode", "Sandbox"):
            if flag in body and str(body[flag]) not in ("0", "1"):
                return 200, self.error_body("99")
        if sms_type in ("1", "2") and body.get("Brandname") not in self.brandnames:
            return 200, self.error_body("104")
        request_id = str(body.get("RequestId") or "")
        with self._lock:
            if request_id and request_id in self.request_ids:
                return 200, self.error_body("124")
            if request_id:
                self.request_ids.add(request_id)
            sms_id = uuid.uuid4().hex
            self.accepted[sms_id] = body
        return 200, {"CodeResult": "100", "CountRegenerate": 0, "SMSID": sms_id}

    def callback_params(self, sms_id: str, *, status: str = "5", success: bool = True) -> dict:
        """What eSMS GETs to CallbackUrl for one customer-care message (docs' sample, one receiver)."""
        body = self.accepted.get(sms_id, {})
        sent = status == "5"
        return {
            "SMSID": sms_id,
            "SendFailed": "0" if success or not sent else "1",
            "SendStatus": status,
            "SendSuccess": "1" if success and sent else "0",
            "TotalPrice": "850.0000",
            "TotalReceiver": "1",
            "TotalSent": "1",
            "RequestId": body.get("RequestId", ""),
            "TypeId": body.get("SmsType", "2"),
            "telcoid": "1",
            "phonenumber": body.get("Phone", ""),
            "switchsmsid": "",
        }


# ---------------------------------------------------------------------------------------------------
# SpeedSMS: POST /index.php/sms/send


class FakeSpeedSms(FakeProvider):
    PATH = "/index.php/sms/send"
    MESSAGES = {
        "007": "IP locked",
        "008": "Account blocked",
        "009": "Account not allow to call the API",
        "101": "Invalid or missing parameters",
        "105": "Phone number invalid",
        "110": "Not support sms content encoding",
        "113": "Sms content too long",
        "300": "Your account balance not enough to send sms",
        "500": "Internal error, please try again",
    }
    PHONE = re.compile(r"^(0|84)\d{9}$")

    def __init__(self, *, token=SPEEDSMS_TOKEN, brandnames=(BRANDNAME,)):
        super().__init__()
        self.token, self.brandnames = token, set(brandnames)
        self._tran_id = 100000
        self.accepted: dict[int, dict] = {}

    def error_body(self, code, message=None):
        code = str(code)
        return {"status": "error", "code": code, "message": message or self.MESSAGES.get(code, "error")}

    def _token(self, headers: dict) -> str | None:
        auth = headers.get("authorization", "")
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, _password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return None
        return user

    def handle(self, path, headers, body, *, behaviour):
        if path != self.PATH:
            return 404, b"Not Found"
        if self._token(headers) != self.token:
            # Guess: the docs do not say; a client library reports an HTTP error status.
            return 401, b'{"name":"Unauthorized","message":"Invalid credentials.","status":401}'
        if not isinstance(body, dict):
            return 200, self.error_body("101")
        to, content, sms_type = body.get("to"), body.get("content"), body.get("sms_type")
        if not isinstance(to, list) or not to or not isinstance(content, str) or not content:
            return 200, self.error_body("101")
        if sms_type not in (2, 3, 4, 5, 6, 7, 8):
            return 200, self.error_body("101")
        if sms_type == 3 and body.get("sender") not in self.brandnames:
            return 200, self.error_body("101", "Brandname not registered")
        invalid = [str(p) for p in to if not self.PHONE.match(str(p))]
        if behaviour == "invalid_phone":
            invalid = [str(p) for p in to]
        valid = [p for p in to if str(p) not in invalid]
        if not valid and behaviour != "invalid_phone":
            return 200, {**self.error_body("105"), "invalidPhone": invalid}
        with self._lock:
            self._tran_id += 1
            tran_id = self._tran_id
            self.accepted[tran_id] = body
        data = {"tranId": tran_id, "totalSMS": len(valid), "totalPrice": 250 * len(valid), "invalidPhone": invalid}
        return 200, {"status": "success", "code": "00", "data": data}

    def report_body(self, tran_id: int, *, status: int = 0) -> dict:
        """The delivery-report webhook SpeedSMS posts for one number of a transaction."""
        body = self.accepted.get(tran_id, {"to": [""]})
        return {"type": "report", "tranId": tran_id, "phone": str(body["to"][0]), "status": status}


# ---------------------------------------------------------------------------------------------------
# Zalo ZNS: POST /message/template


class FakeZns(FakeProvider):
    PATH = "/message/template"
    MESSAGES = {
        -100: "Unknown error",
        -108: "Phone number invalid",
        -109: "Template ID invalid",
        -111: "Template data empty",
        -112: "Template data invalid",
        -114: "User is inactive, or reject the message, or using an outdated Zalo version, or other internal errors",
        -115: "Out of quota",
        -118: "Zalo account not existed",
        -124: "Access token invalid",
        -133: "Sending ZNS at night is not allowed",
    }
    PHONE = re.compile(r"^(0|84)\d{9}$")

    def __init__(self, *, token=ZNS_TOKEN, templates=None, daily_quota=500):
        super().__init__()
        self.token = token
        # template id -> required parameter names (our guess at how Zalo checks template_data)
        self.templates = templates or {ZNS_TEMPLATE: ZNS_TEMPLATE_PARAMS}
        self.no_zalo: set[str] = set()  # numbers without a Zalo account (-118)
        self.remaining = daily_quota
        self.daily_quota = daily_quota
        self.accepted: dict[str, dict] = {}

    def error_body(self, code, message=None):
        code = int(code) if str(code).lstrip("-").isdigit() else -100
        return {"error": code, "message": message or self.MESSAGES.get(code, "Unknown error")}

    def handle(self, path, headers, body, *, behaviour):
        if path != self.PATH:
            return 404, b"Not Found"
        if headers.get("access_token") != self.token:
            return 200, self.error_body(-124)
        if not isinstance(body, dict):
            return 200, self.error_body(-100)
        phone = str(body.get("phone") or "")
        if not self.PHONE.match(phone):
            return 200, self.error_body(-108)
        template_id = str(body.get("template_id") or "")
        if template_id not in self.templates:
            return 200, self.error_body(-109)
        data = body.get("template_data")
        if not isinstance(data, dict) or not data:
            return 200, self.error_body(-111)
        if any(name not in data for name in self.templates[template_id]):
            return 200, self.error_body(-112)
        if not isinstance(body.get("tracking_id", ""), str) or len(body.get("tracking_id", "")) > 48:
            return 200, self.error_body(-100, "tracking_id invalid")
        if phone in self.no_zalo:
            return 200, self.error_body(-118)
        with self._lock:
            if self.remaining <= 0:
                return 200, self.error_body(-115)
            self.remaining -= 1
            msg_id = uuid.uuid4().hex[:20]
            self.accepted[msg_id] = body
            quota = {"dailyQuota": str(self.daily_quota), "remainingQuota": str(self.remaining)}
        return 200, {
            "error": 0,
            "message": "Success",
            "data": {"msg_id": msg_id, "sent_time": str(int(time.time() * 1000)), "quota": quota},
        }

    def webhook_body(self, msg_id: str) -> dict:
        """The OA webhook event Zalo posts when the ZNS reached the user's phone."""
        body = self.accepted.get(msg_id, {})
        return {
            "app_id": "1234567890",
            "event_name": "user_received_message",
            "timestamp": str(int(time.time() * 1000)),
            "sender": {"id": "4321"},
            "recipient": {"id": "user-by-phone"},
            "message": {
                "msg_id": msg_id,
                "tracking_id": body.get("tracking_id", ""),
                "delivery_time": str(int(time.time() * 1000)),
            },
        }


# ---------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _running(fake: FakeProvider):
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def esms_server(**config):
    return _running(FakeEsms(**config))


def speedsms_server(**config):
    return _running(FakeSpeedSms(**config))


def zns_server(**config):
    return _running(FakeZns(**config))


@pytest.fixture
def esms_fake():
    with esms_server() as fake:
        yield fake


@pytest.fixture
def speedsms_fake():
    with speedsms_server() as fake:
        yield fake


@pytest.fixture
def zns_fake():
    with zns_server() as fake:
        yield fake
