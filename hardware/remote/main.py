"""The station's USB remote: MicroPython on a Raspberry Pi Pico (see README.md).

A thin shell: it reads the pins and the USB serial port, and hands everything
to remote_logic.Remote, where all decisions are made (and tested on CPython).
Copy both files to the Pico (`mpremote cp main.py remote_logic.py :`).
"""

import select
import sys

import machine
import utime
from remote_logic import Remote

# ---- wiring (GP numbers, not physical pin numbers) -------------------------
BUTTON_PIN = 15  # big button between GP15 and GND (internal pull-up)
PEDAL_PIN = 14  # optional foot pedal between GP14 and GND; None = no pedal
BUZZER_PIN = 16  # active buzzer (through a transistor if it draws > 10 mA)
LED_PIN = "LED"  # the on-board LED (Pico and Pico W)

# ---- behaviour --------------------------------------------------------------
PEDAL_COMMAND = None  # None: the pedal is a second big button; or "UNDO", "END"...
DEBOUNCE_MS = 15
SAMPLE_MS = 2  # how often the pins are sampled
MAX_READ_PER_PASS = 256  # bytes; a flood from the host never starves the button


def run(max_passes=None):
    """Sample, talk, beep, forever (``max_passes``: stop after that many, for tests)."""
    pin = machine.Pin
    button = pin(BUTTON_PIN, pin.IN, pin.PULL_UP)
    pedal = pin(PEDAL_PIN, pin.IN, pin.PULL_UP) if PEDAL_PIN is not None else None
    buzzer = pin(BUZZER_PIN, pin.OUT, value=0)
    led = pin(LED_PIN, pin.OUT, value=0)
    remote = Remote(debounce_ms=DEBOUNCE_MS, pedal_command=PEDAL_COMMAND)

    poller = select.poll()
    poller.register(sys.stdin, select.POLLIN)
    stdin = getattr(sys.stdin, "buffer", sys.stdin)
    stdout = getattr(sys.stdout, "buffer", None)

    # ticks_ms wraps around; remote_logic wants a clock that never does.
    now_ms = 0
    last_tick = utime.ticks_ms()
    passes = 0
    while max_passes is None or passes < max_passes:
        passes += 1
        tick = utime.ticks_ms()
        now_ms += utime.ticks_diff(tick, last_tick)
        last_tick = tick

        for _ in range(MAX_READ_PER_PASS):
            if not poller.poll(0):
                break
            data = stdin.read(1)
            if not data:
                break
            remote.receive(data if isinstance(data, bytes) else data.encode(), now_ms)

        pedal_down = pedal is not None and pedal.value() == 0
        for line in remote.update(now_ms, button.value() == 0, pedal_down):
            if stdout is not None:
                stdout.write(line.encode())
            else:
                sys.stdout.write(line)

        buzzer.value(1 if remote.buzzer_on(now_ms) else 0)
        led.value(1 if remote.led_on(now_ms) else 0)
        utime.sleep_ms(SAMPLE_MS)
    buzzer.value(0)


if __name__ == "__main__":
    run()
