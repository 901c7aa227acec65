"""Hikvision access-control and face terminals over ISAPI: the protocol (:mod:`.isapi`), the
client (:mod:`.client`), the outbox driver (:mod:`.driver`) and a terminal simulator
(:mod:`.simulator`)."""
