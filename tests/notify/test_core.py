"""The pure parts of messaging (gatehouse.core.notify): back-off, states after a reply, masking
of texts for groups, reading the providers' replies. Explicit ``now`` throughout."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import timedelta

from gatehouse.core import notify as core
from tests.conftest import NOW


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    waits = [core.backoff(n, NOW) - NOW for n in range(1, 10)]
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert waits[-1] == timedelta(hours=1)
    assert core.backoff(1, NOW, rate_limited=True) - NOW == timedelta(seconds=60)


def test_after_a_reply_sent_queued_or_failed():
    sent = core.Reply(core.Outcome.SENT)
    retry = core.Reply(core.Outcome.RETRY, error="busy")
    fail = core.Reply(core.Outcome.FAIL, error="bad")
    assert core.after_reply(sent, 1, NOW) == ("sent", None)
    assert core.after_reply(retry, 2, NOW) == ("queued", NOW + timedelta(seconds=60))
    assert core.after_reply(fail, 1, NOW) == ("failed", None)
    # Out of tries: a passing fault fails the message too.
    assert core.after_reply(retry, core.MAX_ATTEMPTS, NOW) == ("failed", None)


def test_a_group_text_has_names_phones_and_id_numbers_masked():
    text = "访客王小明（13912345678，110105199001011232）到访 3-2-1201，张伟确认"
    masked = core.mask_text(text, ["王小明", "张伟"])
    assert masked == "访客王**（139****5678，110105********1232）到访 3-2-1201，张*确认"
    assert (
        core.mask_text("房号 3-2-1201 金额 12345678901234") == "房号 3-2-1201 金额 12345678901234"
    )


def test_dingtalk_signature_matches_the_documented_recipe():
    ms = int(NOW.timestamp() * 1000)
    expected = base64.b64encode(
        hmac.new(b"SECabc", f"{ms}\nSECabc".encode(), hashlib.sha256).digest()
    ).decode()
    assert core.dingtalk_sign("SECabc", ms) == expected
    request = core.dingtalk_request(base="", access_token="t", secret="SECabc", text="x", now=NOW)
    assert request.url.startswith("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=")
    assert f"timestamp={ms}&sign=" in request.url and "+" not in request.url.split("sign=")[1]


def test_feishu_body_carries_seconds_and_the_signature():
    request = core.feishu_request(base="", hook="h", secret="s", text="你好", now=NOW)
    body = json.loads(request.body)
    assert body["timestamp"] == str(int(NOW.timestamp()))
    assert body["msg_type"] == "text" and body["content"] == {"text": "你好"}
    key = f"{body['timestamp']}\ns".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def test_aliyun_percent_encoding_is_rfc3986():
    assert core.aliyun_canonical({"b": "a b*~", "a": "中"}) == "a=%E4%B8%AD&b=a%20b%2A~"


def test_replies_are_read_into_sent_retry_or_fail():
    ok = json.dumps({"errcode": 0, "errmsg": "ok"}).encode()
    assert core.wecom_parse(200, ok).outcome is core.Outcome.SENT
    limited = core.wecom_parse(200, b'{"errcode":45009,"errmsg":"freq"}')
    assert limited.outcome is core.Outcome.RETRY and limited.rate_limited
    assert core.dingtalk_parse(200, b'{"errcode":130101}').rate_limited
    assert core.feishu_parse(200, b'{"code":9499,"msg":"too many"}').rate_limited
    assert core.wecom_parse(502, b"<html>").outcome is core.Outcome.RETRY
    assert core.wecom_parse(404, b"<html>").outcome is core.Outcome.FAIL
    assert core.dingtalk_parse(429, b"").rate_limited
    assert core.aliyun_parse(200, b'{"Code":"isv.BUSINESS_LIMIT_CONTROL"}').rate_limited
    assert core.aliyun_parse(400, b'{"Code":"isv.SMS_SIGNATURE_ILLEGAL"}').outcome is (
        core.Outcome.FAIL
    )
    tc_error = b'{"Response":{"Error":{"Code":"AuthFailure.SecretIdNotFound","Message":"x"}}}'
    assert core.tencent_parse(200, tc_error).outcome is core.Outcome.FAIL
    tc_limit = b'{"Response":{"Error":{"Code":"RequestLimitExceeded","Message":"x"}}}'
    assert core.tencent_parse(200, tc_limit).rate_limited


def test_tencent_phone_numbers_get_the_country_code():
    assert core.tencent_phone("13800138000") == "+8613800138000"
    assert core.tencent_phone("+8613800138000") == "+8613800138000"
