"""`make demo-exchange` (scripts/demo_exchange.py): what it checks before starting anything.

Starting the two demo instances is what `test_two_instances.py` does with the same harness;
here only the script's own decisions are tested, without starting an instance.
"""

import importlib.util
import socket

import pytest
from django.conf import settings

from tests.integration.hst.instances import free_port


@pytest.fixture
def demo_exchange():
    path = settings.BASE_DIR / "scripts" / "demo_exchange.py"
    spec = importlib.util.spec_from_file_location("demo_exchange", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_busy_port_stops_the_demo_before_anything_starts(demo_exchange, capsys, monkeypatch):
    # given: something already listens on the port meant for instance A
    started = []
    monkeypatch.setattr(demo_exchange, "start_two_instances", lambda *a, **k: started.append(1))
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        busy = listener.getsockname()[1]

        # when
        status = demo_exchange.main(["--ports", str(busy), str(free_port())])

    # then
    assert status == 2
    assert f"Port(s) {busy} in use" in capsys.readouterr().out
    assert started == []


def test_free_ports_are_told_apart_from_busy_ones(demo_exchange):
    # given
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        busy = listener.getsockname()[1]

        # when / then
        assert demo_exchange.port_free(busy) is False
    assert demo_exchange.port_free(free_port()) is True
