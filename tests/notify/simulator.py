"""A local stand-in for the providers (127.0.0.1 only, started and stopped by the test): it
checks each request's signature the way the provider does — written here from the providers'
documents, not with the code under test — and answers success, rate limiting or a permanent
error, as the test queues them."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

# What the simulator expects: the accounts configured in the test's channels.
WECOM_KEY = "wecom-key-0001"
DING_TOKEN = "ding-token-0001"
DING_SECRET = "SECding-secret-0001"
FEISHU_HOOK = "feishu-hook-0001"
FEISHU_SECRET = "feishu-secret-0001"
ALI_ID = "LTAI-test-id"
ALI_SECRET = "ali-secret-0001"
TC_ID = "AKID-test-id"
TC_SECRET = "tc-secret-0001"
TC_APP = "1400000001"


@dataclass
class Seen:
    provider: str
    path: str
    headers: dict[str, str]
    body: bytes
    signed: bool

    def json(self) -> Any:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode(), keep_blank_values=True).items()}


@dataclass
class Simulator:
    host: str = "127.0.0.1"
    port: int = 0
    answers: deque[str] = field(default_factory=deque)  # "ok", "limit", "error"
    seen: list[Seen] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def next_answer(self) -> str:
        return self.answers.popleft() if self.answers else "ok"


def _b64_hmac256(key: bytes, msg: bytes) -> str:
    return base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest()).decode()


def _ali_enc(s: str) -> str:
    return quote(s, safe="~-._")


def _check_ali(form: dict[str, str]) -> bool:
    given = form.pop("Signature", "")
    query = "&".join(f"{_ali_enc(k)}={_ali_enc(form[k])}" for k in sorted(form))
    string_to_sign = "POST&" + _ali_enc("/") + "&" + _ali_enc(query)
    expected = base64.b64encode(
        hmac.new((ALI_SECRET + "&").encode(), string_to_sign.encode(), hashlib.sha1).digest()
    ).decode()
    form["Signature"] = given
    return hmac.compare_digest(given, expected) and form.get("AccessKeyId") == ALI_ID


def _check_tc(headers: dict[str, str], body: bytes) -> bool:
    auth = headers.get("authorization", "")
    try:
        algo, rest = auth.split(" ", 1)
        parts = dict(p.strip().split("=", 1) for p in rest.split(","))
        secret_id, day, service, term = parts["Credential"].split("/")
    except (ValueError, KeyError):
        return False
    ts = int(headers.get("x-tc-timestamp", "0"))
    if day != datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d") or secret_id != TC_ID:
        return False
    signed = parts["SignedHeaders"].split(";")
    canonical_headers = "".join(
        f"{h}:{headers[h].strip().lower() if h == 'content-type' else headers[h].strip()}\n"
        for h in signed
    )
    canonical = (
        f"POST\n/\n\n{canonical_headers}\n{parts['SignedHeaders']}\n"
        + hashlib.sha256(body).hexdigest()
    )
    scope = f"{day}/{service}/{term}"
    sts = f"{algo}\n{ts}\n{scope}\n" + hashlib.sha256(canonical.encode()).hexdigest()
    k = hmac.new(("TC3" + TC_SECRET).encode(), day.encode(), hashlib.sha256).digest()
    k = hmac.new(k, service.encode(), hashlib.sha256).digest()
    k = hmac.new(k, b"tc3_request", hashlib.sha256).digest()
    expected = hmac.new(k, sts.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(parts["Signature"], expected)


def _handler(sim: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _reply(self, payload: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            url = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            if url.path == "/cgi-bin/webhook/send":
                self._wecom(url.path, headers, body, query)
            elif url.path == "/robot/send":
                self._ding(url.path, headers, body, query)
            elif url.path.startswith("/open-apis/bot/v2/hook/"):
                self._feishu(url.path, headers, body)
            elif "x-tc-action" in headers:
                self._tencent(url.path, headers, body)
            else:
                self._aliyun(url.path, headers, body)

        def _wecom(self, path, headers, body, query) -> None:
            ok = query.get("key") == WECOM_KEY
            sim.seen.append(Seen("wecom", path, headers, body, ok))
            if not ok:
                return self._reply({"errcode": 93000, "errmsg": "invalid webhook url"})
            answer = sim.next_answer()
            if answer == "limit":
                return self._reply({"errcode": 45009, "errmsg": "api freq out of limit"})
            if answer == "error":
                return self._reply({"errcode": 40008, "errmsg": "invalid message type"})
            return self._reply({"errcode": 0, "errmsg": "ok"})

        def _ding(self, path, headers, body, query) -> None:
            ts, sign = query.get("timestamp", ""), query.get("sign", "")
            expected = _b64_hmac256(DING_SECRET.encode(), f"{ts}\n{DING_SECRET}".encode())
            ok = query.get("access_token") == DING_TOKEN and hmac.compare_digest(sign, expected)
            sim.seen.append(Seen("dingtalk", path, headers, body, ok))
            if not ok:
                return self._reply({"errcode": 310000, "errmsg": "sign not match"})
            answer = sim.next_answer()
            if answer == "limit":
                return self._reply({"errcode": 130101, "errmsg": "send too fast"})
            if answer == "error":
                return self._reply({"errcode": 300001, "errmsg": "token is not exist"})
            return self._reply({"errcode": 0, "errmsg": "ok"})

        def _feishu(self, path, headers, body) -> None:
            data = json.loads(body)
            ts = str(data.get("timestamp", ""))
            expected = _b64_hmac256(f"{ts}\n{FEISHU_SECRET}".encode(), b"")
            ok = path.endswith("/" + FEISHU_HOOK) and hmac.compare_digest(
                str(data.get("sign", "")), expected
            )
            sim.seen.append(Seen("feishu", path, headers, body, ok))
            if not ok:
                return self._reply({"code": 19021, "msg": "sign match fail", "data": {}})
            answer = sim.next_answer()
            if answer == "limit":
                return self._reply({"code": 9499, "msg": "too many request", "data": {}})
            if answer == "error":
                return self._reply({"code": 19001, "msg": "param invalid", "data": {}})
            return self._reply({"code": 0, "msg": "success", "data": {}})

        def _aliyun(self, path, headers, body) -> None:
            form = {k: v[0] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
            ok = form.get("Action") == "SendSms" and _check_ali(form)
            sim.seen.append(Seen("aliyun", path, headers, body, ok))
            if not ok:
                return self._reply(
                    {
                        "Code": "SignatureDoesNotMatch",
                        "Message": "Specified signature is not matched",
                    },
                    400,
                )
            answer = sim.next_answer()
            if answer == "limit":
                return self._reply({"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"})
            if answer == "error":
                return self._reply({"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号"})
            return self._reply({"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0"})

        def _tencent(self, path, headers, body) -> None:
            ok = headers.get("x-tc-action") == "SendSms" and _check_tc(headers, body)
            sim.seen.append(Seen("tencent", path, headers, body, ok))
            if not ok:
                return self._reply(
                    {
                        "Response": {
                            "Error": {"Code": "AuthFailure.SignatureFailure", "Message": "x"}
                        }
                    }
                )
            answer = sim.next_answer()
            phone = json.loads(body)["PhoneNumberSet"][0]
            if answer == "limit":
                status = {"Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "limit"}
            elif answer == "error":
                status = {"Code": "FailedOperation.TemplateIncorrectOrUnapproved", "Message": "x"}
            else:
                status = {"Code": "Ok", "Message": "send success", "SerialNo": "2645:1234"}
            return self._reply(
                {
                    "Response": {
                        "SendStatusSet": [{"PhoneNumber": phone, **status}],
                        "RequestId": "r",
                    }
                }
            )

    return Handler


class Running:
    """``with Running() as sim:`` — the server listens while the block runs."""

    def __enter__(self) -> Simulator:
        self.sim = Simulator()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.sim))
        self.sim.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.sim

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
