"""Building a paho-mqtt client from an ``[mqtt]`` config (station and coach).

Secrets go to paho only; nothing here prints or logs them.
"""

from __future__ import annotations

import ssl

from station.config.net import MqttConfig


class MqttUnavailable(RuntimeError):
    """paho-mqtt is not installed (the optional extra ``mqtt``)."""


def paho():
    try:
        import paho.mqtt.client as mqtt
    except ImportError:
        raise MqttUnavailable("MQTT needs paho-mqtt: pip install 'station[mqtt]'") from None
    return mqtt


def make_client(cfg: MqttConfig, client_id: str, *, clean_session: bool = True,
                manual_ack: bool = False):
    """A paho client (MQTT 3.1.1) with login and TLS set, not yet connected.
    ``manual_ack``: QoS 1 messages are acknowledged by ``client.ack``."""
    mqtt = paho()
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=client_id,
                         clean_session=clean_session, protocol=mqtt.MQTTv311,
                         manual_ack=manual_ack)
    if cfg.username:
        client.username_pw_set(cfg.username, cfg.password or None)
    if cfg.tls:
        ctx = ssl.create_default_context(cafile=cfg.ca_file or None)
        if cfg.client_cert:
            ctx.load_cert_chain(cfg.client_cert, cfg.client_key or None)
        client.tls_set_context(ctx)
    client.reconnect_delay_set(1, 5)
    client.connect_timeout = 5.0
    return client
