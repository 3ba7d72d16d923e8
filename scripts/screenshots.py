#!/usr/bin/env python3
"""Screenshots of each role's main screens on a running demo server (``make run``).

Each demo user (advisor, bookkeeper, owner, and the portal customer petrova; password =
login) logs in over JSON-RPC; headless
Chromium, driven through the DevTools protocol, gets the session cookie, opens the role's
screens, waits until the page is quiet and saves ``docs/screenshots/<role>_<screen>.png``
(1400 x 900).

    make screenshots                          # http://localhost:8069, database auto_service_debt_demo
    make screenshots HTTP_PORT=8070 DEMO_DB=my_demo
    python scripts/screenshots.py --only advisor --out /tmp/shots
"""

import argparse
import base64
import html
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import websocket

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 1400, 900

# The page is settled when no request is running, Odoo's UI is not blocked and no
# loading indicator shows.
SETTLED_JS = """
(() => {
    if (document.readyState !== "complete") return false;
    if (!window.odoo || !odoo.__WOWL_DEBUG__) return false;
    if (document.querySelector(".o_loading_indicator, .o_blockUI, .o-main-components-container .o_loading")) return false;
    if (document.body.classList.contains("o_ui_blocked")) return false;
    return !!document.querySelector(".o_action_manager .o_action, .o_action_manager > .o_view_controller");
})()
"""


# A portal (website) page is settled when the document is loaded and no request runs.
FRONTEND_SETTLED_JS = """
(() => document.readyState === "complete" && !document.querySelector(".o_loading_indicator"))()
"""


class Rpc:
    """JSON-RPC with the session cookie of one user."""

    def __init__(self, base, db):
        self.base, self.db = base.rstrip("/"), db
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Content-Type": "application/json"}
        )
        with self.opener.open(request, timeout=60) as response:
            reply = json.loads(response.read())
        if reply.get("error"):
            data = reply["error"].get("data") or {}
            raise RuntimeError(f"{path}: {data.get('message') or reply['error']}")
        return reply["result"]

    def login(self, login, password):
        self.call("/web/session/authenticate", {"db": self.db, "login": login, "password": password})
        sid = next((c.value for c in self.jar if c.name == "session_id"), None)
        if not sid:
            raise RuntimeError(f"no session for {login}")
        return sid

    def kw(self, model, method, *args, **kwargs):
        return self.call(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs,
        })


class Browser:
    """Headless Chromium on a free DevTools port, one page."""

    def __init__(self, binary):
        self.profile = tempfile.mkdtemp(prefix="asd-shots-")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [binary, "--headless=new", f"--remote-debugging-port={self.port}",
             f"--user-data-dir={self.profile}", f"--window-size={WIDTH},{HEIGHT}",
             "--no-first-run", "--no-default-browser-check", "--disable-gpu",
             "--no-sandbox", "--disable-dev-shm-usage", "--hide-scrollbars",
             "--lang=ru-RU", "--force-device-scale-factor=1", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.ws = websocket.create_connection(self._page_ws(), timeout=60, suppress_origin=True)
        self.msg_id = 0
        self.send("Page.enable")
        self.send("Network.enable")
        self.send("Runtime.enable")
        self.send("Emulation.setDeviceMetricsOverride", width=WIDTH, height=HEIGHT,
                  deviceScaleFactor=1, mobile=False)
        self.send("Emulation.setTimezoneOverride", timezoneId="Europe/Moscow")

    def _page_ws(self):
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=5) as r:
                    for target in json.loads(r.read()):
                        if target.get("type") == "page":
                            return target["webSocketDebuggerUrl"]
            except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
                pass
            time.sleep(0.3)
        raise RuntimeError("Chromium did not open its DevTools port")

    def send(self, method, **params):
        self.msg_id += 1
        self.ws.send(json.dumps({"id": self.msg_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.msg_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True,
                           awaitPromise=True)
        if result.get("exceptionDetails"):
            raise RuntimeError(f"JS error: {result['exceptionDetails']}")
        return result.get("result", {}).get("value")

    def set_cookie(self, base, name, value):
        self.send("Network.setCookie", name=name, value=value, url=base)

    def open(self, url):
        self.send("Page.navigate", url=url)
        time.sleep(0.5)

    def settle(self, extra=None, timeout=30, quiet=1.5, frontend=False):
        """Wait until the page is settled (and ``extra`` true) for ``quiet`` seconds."""
        base = FRONTEND_SETTLED_JS if frontend else SETTLED_JS
        check = base if not extra else f"({base.strip()}) && !!({extra})"
        deadline = time.time() + timeout
        since = None
        while time.time() < deadline:
            ok = False
            try:
                ok = bool(self.evaluate(check))
            except RuntimeError:
                ok = False
            if ok:
                since = since or time.time()
                if time.time() - since >= quiet:
                    return True
            else:
                since = None
            time.sleep(0.25)
        return False

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png",
                         clip={"x": 0, "y": 0, "width": WIDTH, "height": HEIGHT, "scale": 1})
        path.write_bytes(base64.b64decode(data["data"]))

    def close(self):
        try:
            self.ws.close()
        finally:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
            shutil.rmtree(self.profile, ignore_errors=True)


def pick_many2one_js(field, text):
    """Type ``text`` into the many2one ``field`` of the form and pick the first match,
    as a user does."""
    return f"""
(async () => {{
    const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
    const text = {json.dumps(text)};
    const field = () => document.querySelector(".o_form_view .o_field_widget[name='{field}']");
    const item = () => [...document.querySelectorAll(".o-autocomplete--dropdown-menu .ui-menu-item > a")]
        .find((a) => a.textContent.trim().startsWith(text));
    for (let attempt = 0; attempt < 3; attempt++) {{
        const input = field() && field().querySelector("input");
        if (!input) return "no input";
        input.focus();
        input.value = text;
        input.dispatchEvent(new Event("input", {{ bubbles: true }}));
        let found = null;
        for (let i = 0; i < 80 && !found; i++) {{
            await sleep(100);
            found = item();
        }}
        if (!found) continue;
        await sleep(600);  // the list of the last keystroke, not an earlier one
        found = item();
        if (!found) continue;
        found.click();
        for (let i = 0; i < 30; i++) {{
            await sleep(100);
            if (!document.querySelector(".o-autocomplete--dropdown-menu")) return "picked";
        }}
    }}
    return "could not pick " + text;
}})()
"""


# Leave a form without saving what the script typed (Odoo saves a dirty form on leaving).
DISCARD_JS = """
(() => {
    const discard = document.querySelector(".o_form_status_indicator .o_form_button_cancel");
    if (discard && !discard.closest(".invisible")) { discard.click(); return true; }
    return false;
})()
"""


def screens_advisor(rpc):
    blocked = rpc.kw("res.partner", "search_read", [("debt_blocked", "=", True)],
                     fields=["id", "name"], limit=1, order="id")
    screens = []
    if blocked:
        screens.append(("quotation_blocked", {
            "url": "/odoo/action-sale.action_quotations_with_onboarding/new",
            "wait": "document.querySelector('.o_form_view .o_field_widget[name=partner_id] input')",
            "then": pick_many2one_js("partner_id", blocked[0]["name"]),
            "then_wait": "document.querySelector('.o_debt_banner:not(.d-none) .o_debt_blocked_title')",
            "discard": True,
        }))
    else:
        print("[screenshots] advisor: no blocked customer in the demo", file=sys.stderr)
    screens.append(("repair_orders", {"url": "/odoo/action-repair.action_repair_order_tree",
                                      "wait": "document.querySelector('.o_list_view, .o_kanban_view')"}))
    screens.append(("quotations", {"url": "/odoo/action-sale.action_quotations_with_onboarding",
                                   "wait": "document.querySelector('.o_list_view, .o_kanban_view')"}))
    return screens


def screens_bookkeeper(rpc):
    screens = [("cases_kanban", {
        "url": "/odoo/action-auto_service_debt.action_debt_collection_case",
        "wait": "document.querySelector('.o_kanban_view')",
    })]
    cases = rpc.kw("debt.collection.case", "search_read", [("state", "=", "open")],
                   fields=["id"], limit=1, order="overdue_amount desc, id")
    if cases:
        screens.append(("case_form", {
            "url": f"/odoo/action-auto_service_debt.action_debt_collection_case/{cases[0]['id']}",
            "wait": "document.querySelector('.o_form_view .o_form_sheet')",
        }))
    else:
        print("[screenshots] bookkeeper: no open collection case in the demo", file=sys.stderr)
    screens.append(("overdue_invoices", {
        "url": "/odoo/action-auto_service_debt.action_debt_overdue_invoices",
        "wait": "document.querySelector('.o_list_view')",
    }))
    return screens


def screens_customer(rpc):
    return [("portal_my_debt", {
        "url": "/my/debt", "frontend": True,
        "wait": "document.querySelector('.o_debt_portal .o_debt_plan')",
    })]


def reminder_email_html(rpc):
    """The latest reminder e-mail of a collection case, as the customer's mail program
    shows it (its images load from the server)."""
    messages = rpc.kw("mail.message", "search_read",
                      [("model", "=", "debt.collection.case"), ("message_type", "=", "email_outgoing"),
                       ("body", "ilike", "debt/pay/case")],
                      fields=["subject", "body", "email_from"], limit=1, order="id desc")
    if not messages:
        return None
    message = messages[0]
    header = (f"<div style='font: 13px sans-serif; color: #555; border-bottom: 1px solid #ddd; "
              f"padding: 8px 0; margin-bottom: 12px;'><b>{html.escape(message['subject'] or '')}</b><br/>"
              f"{html.escape(message['email_from'] or '')}</div>")
    return (f"<html><head><meta charset='utf-8'></head><body style='margin: 24px 48px; "
            f"font-family: sans-serif;'>{header}{message['body']}</body></html>")


def screens_owner(rpc):
    screens = []
    page = reminder_email_html(rpc)
    if page:
        screens.append(("reminder_email", {"html": page, "frontend": True,
                                           "wait": "[...document.images].every((i) => i.complete && i.naturalWidth)"}))
    else:
        print("[screenshots] owner: no reminder e-mail with a pay-now link in the demo", file=sys.stderr)
    return screens + [
        ("overview", {"url": "/odoo/action-auto_service_debt.action_debt_dashboard",
                      "wait": "document.querySelector('.o_debt_dashboard [data-card=\"top_debtors\"]')"}),
        ("settings", {"url": "/odoo/action-auto_service_debt.action_debt_manager_settings",
                      "wait": "document.querySelector('.o_form_view')"}),
        ("blocked_customers", {"url": "/odoo/action-auto_service_debt.action_debt_blocked_customers",
                               "wait": "document.querySelector('.o_list_view')"}),
        ("aging_pivot", {"url": "/odoo/action-auto_service_debt.action_debt_aging_report?view_type=pivot",
                         "wait": "document.querySelector('.o_pivot')"}),
    ]


ROLES = {
    "advisor": screens_advisor,
    "bookkeeper": screens_bookkeeper,
    "owner": screens_owner,
    "customer": screens_customer,
}
#: The demo login of each role (password = login).
LOGINS = {"customer": "petrova"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    port = os.environ.get("HTTP_PORT", "8069")
    parser.add_argument("--url", default=os.environ.get("SCREENSHOTS_URL", f"http://localhost:{port}"))
    parser.add_argument("--db", default=os.environ.get("DEMO_DB", "auto_service_debt_demo"))
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM") or shutil.which("chromium")
                        or shutil.which("chromium-browser") or shutil.which("google-chrome") or "chromium")
    parser.add_argument("--only", action="append", choices=sorted(ROLES), help="a role (repeatable)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    base = args.url.rstrip("/")
    try:
        urllib.request.urlopen(f"{base}/web/login", timeout=30)
    except urllib.error.HTTPError:
        pass  # a server answered
    except (urllib.error.URLError, ConnectionError) as error:
        sys.exit(f"[screenshots] no Odoo server on {base} ({error}); start it with `make run`")

    failed = []
    written = []
    for role in args.only or list(ROLES):
        rpc = Rpc(base, args.db)
        try:
            login = LOGINS.get(role, role)
            sid = rpc.login(login, login)
        except (RuntimeError, urllib.error.URLError) as error:
            failed.append(f"{role}: login failed: {error}")
            continue
        browser = Browser(args.chromium)
        try:
            browser.set_cookie(base, "session_id", sid)
            for screen, spec in ROLES[role](rpc):
                path = out / f"{role}_{screen}.png"
                frontend = spec.get("frontend", False)
                if spec.get("html"):
                    # written into a page of the server: its images load as a mail program's would
                    browser.open(base + "/robots.txt")
                    browser.settle(timeout=10, quiet=0.3, frontend=True)
                    browser.evaluate(f"document.open(); document.write({json.dumps(spec['html'])}); "
                                     "document.close(); true")
                else:
                    browser.open(base + spec["url"])
                if not browser.settle(spec.get("wait"), timeout=40, frontend=frontend):
                    failed.append(f"{path.name}: the page did not settle (still saved)")
                if spec.get("then"):
                    outcome = browser.evaluate(spec["then"])
                    if outcome not in (True, "picked"):
                        failed.append(f"{path.name}: {outcome}")
                    if not browser.settle(spec.get("then_wait"), timeout=40, frontend=frontend):
                        failed.append(f"{path.name}: the page did not show what was expected")
                browser.screenshot(path)
                written.append(path)
                if spec.get("discard"):
                    browser.evaluate(DISCARD_JS)
                    browser.settle(timeout=10, quiet=0.5)
                print(f"[screenshots] {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        finally:
            browser.close()
    for problem in failed:
        print(f"[screenshots] PROBLEM: {problem}", file=sys.stderr)
    print(f"[screenshots] {len(written)} screenshots in {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
