"""The gym network: the station publishes its state, cues and finished sets
over MQTT (paho-mqtt, the optional extra ``mqtt``). Off unless ``[mqtt]`` is
configured. The contract (topics, payloads, JSON schemas) is docs/mqtt.md."""
