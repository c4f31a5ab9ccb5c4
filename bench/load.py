"""Locust users for the load run (started by bench/load.sh; loopback only).

Three kinds of user, each signed in with an account of bench/load_setup.py (one account per user):
a coordinator, a read-only leader and commune officers of several communes, in the proportions of
`weight`. Each walks the pages of its role with 2–6 s between pages. A request counts as failed on any
status other than 200, on a redirect to the sign-in page (a lost session), or when the page lacks the
product's layout. Requests are grouped by page (`name`), so the stats give a p95 per page.
"""

import hashlib
import hmac
import json
import os
import random
import re
import struct
import threading
import time

from locust import HttpUser, between, events, task

ACCOUNTS_FILE = os.environ.get("LOAD_ACCOUNTS", "accounts.json")
_data = None
_lock = threading.Lock()
_taken: set[str] = set()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MARKER = "</html>"


def data() -> dict:
    global _data
    if _data is None:
        with open(ACCOUNTS_FILE, encoding="utf-8") as fh:
            _data = json.load(fh)
    return _data


def take_account(role: str) -> dict:
    with _lock:
        for account in data()["accounts"]:
            if account["role"] == role and account["username"] not in _taken:
                _taken.add(account["username"])
                return account
    raise RuntimeError(f"no free {role} account left: give load_setup.py more")


def totp(key_hex: str, step: int = 30, digits: int = 6) -> str:
    """RFC 6238 (what an authenticator app shows)."""
    counter = int(time.time()) // step
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = (struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF) % 10**digits
    return str(code).zfill(digits)


class Base(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    role = ""

    def on_start(self):
        self.account = take_account(self.role)
        self.sign_in()

    def sign_in(self):
        page = self.client.get("/accounts/login/", name="sign-in page")
        token = CSRF.search(page.text)
        with self.client.post(
            "/accounts/login/",
            data={
                "username": self.account["username"],
                "password": self.account["password"],
                "csrfmiddlewaretoken": token.group(1) if token else "",
            },
            headers={"Referer": self.host + "/accounts/login/"},
            name="sign in (POST)",
            catch_response=True,
        ) as response:
            if "/accounts/login/" in response.url:
                response.failure(f"sign-in refused for {self.account['username']}")
                return
            if "totp_key" in self.account and "two" in response.url:
                self.second_step(response)

    def second_step(self, response):
        token = CSRF.search(response.text)
        field = re.search(r'<input[^>]+name="((?:otp_)?(?:token|code))"', response.text)
        code = totp(self.account["totp_key"], self.account.get("totp_step", 30), self.account.get("totp_digits", 6))
        response.success()
        self.client.post(
            response.url,
            data={field.group(1) if field else "token": code, "csrfmiddlewaretoken": token.group(1) if token else ""},
            headers={"Referer": response.url},
            name="second step (POST)",
        )

    def page(self, url: str, name: str):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code} {response.error or ''}".strip())
            elif "/accounts/login/" in response.url or "/accounts/two" in response.url:
                response.failure("sent to sign in: the session was lost")
            elif MARKER not in response.text:
                response.failure("not a whole page")


class Coordinator(Base):
    weight = 8
    role = "coordinator"

    @task(4)
    def home(self):
        self.page("/", "home")

    @task(3)
    def dashboard(self):
        self.page("/plans/dashboard/", "dashboard")

    @task(3)
    def activities(self):
        self.page("/activities/", "activity list")

    @task(2)
    def activity(self):
        self.page(f"/activities/{random.choice(data()['activities'])}/", "activity detail")

    @task(2)
    def people(self):
        self.page("/people/", "people list")

    @task(1)
    def people_search(self):
        self.page("/people/?q=" + random.choice(["nguyen", "tran thi", "le van", "pham"]), "people search")

    @task(1)
    def broadcasts(self):
        self.page("/messages/", "broadcast list")

    @task(1)
    def reports(self):
        self.page("/reports/", "report list")

    @task(1)
    def audit(self):
        self.page("/audit/", "audit log")

    @task(1)
    def budget(self):
        self.page("/budget/", "budget")


class Leader(Base):
    weight = 5
    role = "leader"

    @task(4)
    def dashboard(self):
        self.page("/plans/dashboard/", "dashboard")

    @task(2)
    def home(self):
        self.page("/", "home")

    @task(2)
    def plan(self):
        self.page(f"/plans/{random.choice(data()['plans'])}/", "plan detail")

    @task(1)
    def warnings(self):
        self.page("/plans/warnings/", "plan warnings")

    @task(1)
    def reports(self):
        self.page("/reports/", "report list")


class CommuneOfficer(Base):
    weight = 37
    role = "commune_officer"

    @task(4)
    def home(self):
        self.page("/", "home")

    @task(4)
    def activities(self):
        self.page("/activities/", "activity list")

    @task(3)
    def activity(self):
        if self.account["activities"]:
            self.page(f"/activities/{random.choice(self.account['activities'])}/", "activity detail")

    @task(2)
    def calendar(self):
        self.page("/activities/calendar/", "activity calendar")

    @task(2)
    def radio(self):
        self.page("/radio/weeks/", "radio week grid")

    @task(3)
    def people(self):
        self.page("/people/", "people list")

    @task(2)
    def person(self):
        if self.account["people"]:
            self.page(f"/people/{random.choice(self.account['people'])}/", "person detail")

    @task(1)
    def content(self):
        self.page("/content/", "content library")

    @task(1)
    def team(self):
        self.page("/team/", "team")

    @task(1)
    def imports(self):
        self.page("/people/import/", "import list")


@events.init_command_line_parser.add_listener
def _unused(parser):  # keeps `locust --help` listing this file's setting
    parser.add_argument("--load-accounts", default=ACCOUNTS_FILE, help="accounts JSON of bench/load_setup.py")


@events.test_start.add_listener
def _start(environment, **_kw):
    global ACCOUNTS_FILE
    ACCOUNTS_FILE = environment.parsed_options.load_accounts if environment.parsed_options else ACCOUNTS_FILE
