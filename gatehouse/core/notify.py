"""Messages that reach people (issue 16 §4): the pure parts.

Each channel is a request built from its configuration, a text and ``now`` (the signatures'
timestamps come from ``now``, never from the wall clock), and a reply read into one
:class:`Reply`: sent (with the provider's message id), retry later (rate limited, server busy,
network trouble) or failed for good (with the reason). The back-off between attempts and the
masking of texts that go to staff groups are here too. No Django, no network: the server's
``gatehouse.notify`` sends the :class:`Request` and hands the answer back.

Protocols (checked against the providers' published documents):

* WeCom (企业微信) group robot: ``POST {base}/cgi-bin/webhook/send?key=KEY`` with
  ``{"msgtype": "text", "text": {"content": …}}`` (or ``markdown``); reply ``errcode``/``errmsg``,
  0 = sent, 45009 = rate limited.
* DingTalk custom robot: ``POST {base}/robot/send?access_token=T&timestamp=MS&sign=S`` where
  ``S = urlencode(base64(HmacSHA256(key=secret, msg=f"{MS}\\n{secret}")))`` (加签), timestamp in
  milliseconds; reply ``errcode``, 130101 = sending too fast.
* Feishu custom bot: ``POST {base}/open-apis/bot/v2/hook/HOOK`` with ``timestamp`` (seconds) and
  ``sign = base64(HmacSHA256(key=f"{ts}\\n{secret}", msg=b""))`` in the body; reply ``code`` 0,
  9499 = too many requests.
* Aliyun SMS: dysmsapi ``SendSms`` 2017-05-25, RPC signature v1 (HMAC-SHA1 over
  ``POST&%2F&`` + the percent-encoded sorted canonical query, key ``secret + "&"``); reply
  ``Code`` "OK", throttling codes retried.
* Tencent Cloud SMS: ``SendSms`` 2021-01-11, TC3-HMAC-SHA256 with ``X-TC-*`` headers; reply
  ``Response.SendStatusSet[].Code`` "Ok"; ``LimitExceeded.*`` retried.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import Any
from urllib.parse import quote, quote_plus

from gatehouse.core.masking import mask_id_number, mask_name, mask_phone

WECOM_BASE = "https://qyapi.weixin.qq.com"
DINGTALK_BASE = "https://oapi.dingtalk.com"
FEISHU_BASE = "https://open.feishu.cn"
ALIYUN_BASE = "https://dysmsapi.aliyuncs.com"
TENCENT_BASE = "https://sms.tencentcloudapi.com"

WECOM_RATE_LIMITED = 45009
DINGTALK_TOO_FAST = 130101
FEISHU_TOO_MANY = 9499
ALIYUN_THROTTLED = frozenset({"isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "Throttling"})
ALIYUN_VERSION = "2017-05-25"
TENCENT_VERSION = "2021-01-11"
TENCENT_SERVICE = "sms"

#: How many times a message is tried before it fails for good.
MAX_ATTEMPTS = 8
#: The first wait after a failed attempt; each later one doubles, up to :data:`BACKOFF_CAP`.
BACKOFF_FIRST = timedelta(seconds=30)
BACKOFF_CAP = timedelta(hours=1)
#: A provider that said "too fast" is not asked again sooner than this.
RATE_LIMIT_WAIT = timedelta(seconds=60)


class Outcome(Enum):
    SENT = "sent"
    RETRY = "retry"  # rate limited or a passing fault: try again later
    FAIL = "fail"  # a permanent error: the message fails with its reason


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    outcome: Outcome
    provider_id: str = ""
    error: str = ""
    rate_limited: bool = False


@dataclass(frozen=True)
class SmsText:
    """What an SMS carries: the provider's template and its parameters, in the template's
    order (Tencent numbers them, Aliyun names them)."""

    template: str
    params: Mapping[str, str] = field(default_factory=dict)


# -- back-off ------------------------------------------------------------------------------------


def backoff(attempts: int, now: datetime, *, rate_limited: bool = False) -> datetime:
    """When to try again after ``attempts`` failed attempts: 30 s, 1 min, 2 min … at most an
    hour; a rate-limit reply waits at least :data:`RATE_LIMIT_WAIT`."""
    n = max(1, attempts)
    wait = min(BACKOFF_FIRST * (1 << min(n - 1, 20)), BACKOFF_CAP)
    if rate_limited:
        wait = max(wait, RATE_LIMIT_WAIT)
    return now + wait


def after_reply(reply: Reply, attempts: int, now: datetime) -> tuple[str, datetime | None]:
    """The state a message takes after its ``attempts``-th attempt got ``reply``: ``sent``,
    ``queued`` with the next attempt's time, or ``failed`` (permanent error, or out of tries)."""
    if reply.outcome is Outcome.SENT:
        return "sent", None
    if reply.outcome is Outcome.FAIL or attempts >= MAX_ATTEMPTS:
        return "failed", None
    return "queued", backoff(attempts, now, rate_limited=reply.rate_limited)


# -- masking the texts that go to groups ---------------------------------------------------------

_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")


def mask_text(text: str, names: Iterable[str] = ()) -> str:
    """``text`` as a staff group may read it: each of ``names`` masked (``张三`` → ``张*``), and
    any mobile number or ID number in it masked whoever wrote it."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    return _MOBILE.sub(lambda m: mask_phone(m.group(0)), text)


# -- group robots ----------------------------------------------------------------------------------


def _json(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_JSON = {"Content-Type": "application/json; charset=utf-8"}


def wecom_request(*, base: str, key: str, text: str, markdown: bool = False) -> Request:
    url = f"{(base or WECOM_BASE).rstrip('/')}/cgi-bin/webhook/send?key={quote(key, safe='')}"
    if markdown:
        payload: dict[str, Any] = {"msgtype": "markdown", "markdown": {"content": text}}
    else:
        payload = {"msgtype": "text", "text": {"content": text}}
    return Request("POST", url, dict(_JSON), _json(payload))


def _load(body: bytes) -> Any:
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None


def _http_fault(status: int, body: bytes) -> Reply | None:
    """A reply the provider did not answer in its own format: a server error or throttling is
    passing (retry), any other HTTP error is permanent."""
    if status == 429 or status >= 500:
        return Reply(Outcome.RETRY, error=f"HTTP {status}", rate_limited=status == 429)
    if status >= 400 and _load(body) is None:
        return Reply(Outcome.FAIL, error=f"HTTP {status}")
    return None


def _errcode_reply(status: int, body: bytes, rate_limited: int, busy: int | None) -> Reply:
    """A robot's ``{"errcode", "errmsg"}`` reply (WeCom, DingTalk): 0 sent, ``rate_limited``
    and ``busy`` tried again later, any other code failed."""
    fault = _http_fault(status, body)
    if fault:
        return fault
    data = _load(body)
    if not isinstance(data, dict) or "errcode" not in data:
        return Reply(Outcome.RETRY, error="unreadable reply")
    code = data.get("errcode")
    if code == 0:
        return Reply(Outcome.SENT)
    error = f"{code} {data.get('errmsg', '')}".strip()
    if code == rate_limited:
        return Reply(Outcome.RETRY, error=error, rate_limited=True)
    if busy is not None and code == busy:
        return Reply(Outcome.RETRY, error=error)
    return Reply(Outcome.FAIL, error=error)


def wecom_parse(status: int, body: bytes) -> Reply:
    return _errcode_reply(status, body, WECOM_RATE_LIMITED, busy=-1)  # -1: "system busy"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The 加签 signature, base64 (not yet URL-encoded)."""
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_request(
    *, base: str, access_token: str, secret: str, text: str, now: datetime
) -> Request:
    url = f"{(base or DINGTALK_BASE).rstrip('/')}/robot/send?access_token={quote(access_token)}"
    if secret:
        ms = int(now.timestamp() * 1000)
        url += f"&timestamp={ms}&sign={quote_plus(dingtalk_sign(secret, ms))}"
    payload = {"msgtype": "text", "text": {"content": text}}
    return Request("POST", url, dict(_JSON), _json(payload))


def dingtalk_parse(status: int, body: bytes) -> Reply:
    return _errcode_reply(status, body, DINGTALK_TOO_FAST, busy=None)


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu's signature: the key is ``f"{timestamp}\\n{secret}"``, the message empty."""
    key = f"{timestamp_s}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode("ascii")


def feishu_request(*, base: str, hook: str, secret: str, text: str, now: datetime) -> Request:
    url = f"{(base or FEISHU_BASE).rstrip('/')}/open-apis/bot/v2/hook/{quote(hook, safe='')}"
    payload: dict[str, Any] = {"msg_type": "text", "content": {"text": text}}
    if secret:
        ts = int(now.timestamp())
        payload = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **payload}
    return Request("POST", url, dict(_JSON), _json(payload))


def feishu_parse(status: int, body: bytes) -> Reply:
    fault = _http_fault(status, body)
    if fault:
        return fault
    data = _load(body)
    if not isinstance(data, dict):
        return Reply(Outcome.RETRY, error="unreadable reply")
    code = data.get("code", data.get("StatusCode"))
    if code == 0:
        return Reply(Outcome.SENT)
    error = f"{code} {data.get('msg', data.get('StatusMessage', ''))}".strip()
    if code == FEISHU_TOO_MANY:
        return Reply(Outcome.RETRY, error=error, rate_limited=True)
    return Reply(Outcome.FAIL, error=error)


# -- SMS: Aliyun ------------------------------------------------------------


def _pct(value: str) -> str:
    """RFC 3986 percent-encoding as Aliyun's signature wants it (space → %20, ``~`` kept)."""
    return quote(value, safe="-_.~")


def aliyun_canonical(params: Mapping[str, str]) -> str:
    return "&".join(f"{_pct(k)}={_pct(v)}" for k, v in sorted(params.items()))


def aliyun_sign(params: Mapping[str, str], secret: str, method: str = "POST") -> str:
    """RPC signature v1 over every parameter but ``Signature``."""
    plain = {k: v for k, v in params.items() if k != "Signature"}
    to_sign = f"{method}&{_pct('/')}&{_pct(aliyun_canonical(plain))}"
    digest = hmac.new(f"{secret}&".encode(), to_sign.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def aliyun_request(
    *,
    base: str,
    access_key_id: str,
    secret: str,
    phone: str,
    sign_name: str,
    sms: SmsText,
    now: datetime,
    nonce: str,
    region: str = "cn-hangzhou",
) -> Request:
    params = {
        "AccessKeyId": access_key_id,
        "Action": "SendSms",
        "Format": "JSON",
        "PhoneNumbers": phone,
        "RegionId": region or "cn-hangzhou",
        "SignName": sign_name,
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": nonce,
        "SignatureVersion": "1.0",
        "TemplateCode": sms.template,
        "TemplateParam": json.dumps(dict(sms.params), ensure_ascii=False, separators=(",", ":")),
        "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "Version": ALIYUN_VERSION,
    }
    params["Signature"] = aliyun_sign(params, secret)
    body = aliyun_canonical(params).encode("ascii")
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    return Request("POST", f"{(base or ALIYUN_BASE).rstrip('/')}/", headers, body)


def aliyun_parse(status: int, body: bytes) -> Reply:
    data = _load(body)
    if not isinstance(data, dict):
        return _http_fault(status, body) or Reply(Outcome.RETRY, error="unreadable reply")
    code = str(data.get("Code", ""))
    if code == "OK":
        return Reply(Outcome.SENT, provider_id=str(data.get("BizId", "")))
    error = f"{code} {data.get('Message', '')}".strip()
    if code in ALIYUN_THROTTLED or code.startswith("Throttling"):
        return Reply(Outcome.RETRY, error=error, rate_limited=True)
    if status >= 500 or code in ("ServiceUnavailable", "InternalError"):
        return Reply(Outcome.RETRY, error=error)
    return Reply(Outcome.FAIL, error=error)


# -- SMS: Tencent Cloud ------------------------------------------------------------


def _sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _hmac256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tencent_signature(
    *, secret_key: str, host: str, payload: bytes, timestamp: int, content_type: str
) -> tuple[str, str]:
    """TC3-HMAC-SHA256: (credential scope, signature) for a POST to ``/`` signing the
    ``content-type`` and ``host`` headers."""
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            _sha256_hex(payload),
        ]
    )
    scope = f"{day}/{TENCENT_SERVICE}/tc3_request"
    to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{_sha256_hex(canonical.encode('utf-8'))}"
    k_date = _hmac256(f"TC3{secret_key}".encode(), day)
    k_service = _hmac256(k_date, TENCENT_SERVICE)
    k_signing = _hmac256(k_service, "tc3_request")
    return scope, hmac.new(k_signing, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def tencent_phone(phone: str) -> str:
    """A mainland mobile in E.164 form: ``13800138000`` → ``+8613800138000``."""
    return phone if phone.startswith("+") else f"+86{phone}"


def tencent_request(
    *,
    base: str,
    secret_id: str,
    secret_key: str,
    app_id: str,
    sign_name: str,
    phone: str,
    sms: SmsText,
    now: datetime,
    region: str = "ap-guangzhou",
) -> Request:
    base = (base or TENCENT_BASE).rstrip("/")
    host = base.split("://", 1)[-1].split("/", 1)[0]
    payload = _json(
        {
            "PhoneNumberSet": [tencent_phone(phone)],
            "SmsSdkAppId": app_id,
            "SignName": sign_name,
            "TemplateId": sms.template,
            "TemplateParamSet": [str(v) for v in sms.params.values()],
        }
    )
    content_type = "application/json; charset=utf-8"
    ts = int(now.timestamp())
    scope, signature = tencent_signature(
        secret_key=secret_key, host=host, payload=payload, timestamp=ts, content_type=content_type
    )
    headers = {
        "Authorization": (
            f"TC3-HMAC-SHA256 Credential={secret_id}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}"
        ),
        "Content-Type": content_type,
        "Host": host,
        "X-TC-Action": "SendSms",
        "X-TC-Timestamp": str(ts),
        "X-TC-Version": TENCENT_VERSION,
        "X-TC-Region": region or "ap-guangzhou",
    }
    return Request("POST", f"{base}/", headers, payload)


def tencent_parse(status: int, body: bytes) -> Reply:
    data = _load(body)
    response = data.get("Response") if isinstance(data, dict) else None
    if not isinstance(response, dict):
        return _http_fault(status, body) or Reply(Outcome.RETRY, error="unreadable reply")
    error = response.get("Error")
    if isinstance(error, dict):
        code = str(error.get("Code", ""))
        text = f"{code} {error.get('Message', '')}".strip()
        if code.startswith(("LimitExceeded", "RequestLimitExceeded")):
            return Reply(Outcome.RETRY, error=text, rate_limited=True)
        if code.startswith("InternalError"):
            return Reply(Outcome.RETRY, error=text)
        return Reply(Outcome.FAIL, error=text)
    statuses: Sequence[Any] = response.get("SendStatusSet") or []
    first = statuses[0] if statuses and isinstance(statuses[0], dict) else {}
    code = str(first.get("Code", ""))
    if code == "Ok":
        return Reply(Outcome.SENT, provider_id=str(first.get("SerialNo", "")))
    text = f"{code} {first.get('Message', '')}".strip() or "no send status"
    if code.startswith("LimitExceeded"):
        return Reply(Outcome.RETRY, error=text, rate_limited=True)
    return Reply(Outcome.FAIL, error=text)
