"""The network switch (services/net) with QEMU's virtio-net device as its
uplink (QEMU's user-mode network, gateway 10.0.2.2) and five clients
(tests/programs/net_client) on ring channels, as scenarios/net-test.dts
describes: frames are switched between clients, a client that sends with
another's MAC address has those frames dropped and counted, a client
restricted by `peers` reaches only the uplink, the switch learns where an
address is instead of flooding, QEMU's gateway answers ARP and ping
through the uplink, and a client that breaks its own queues hurts nobody
else.

One boot serves the tests of the first group: every client runs its
script once and says "done". A second boot without the modern virtio-mmio
transport shows the switch going on without its uplink.
"""

import re

import pytest

import bastei

ARCHIVE = bastei.BUILD / "boot-net-test.cpio"
NET_DEVICE = ("-netdev user,id=n0 "
              "-device virtio-net-device,netdev=n0,bus=virtio-mmio-bus.16")
MODERN = "-global virtio-mmio.force-legacy=false "
CLIENTS = ["alice", "bob", "mallory", "carol", "dave"]
ALICE = "52:54:00:00:00:21"
BOB = "52:54:00:00:00:22"
MALLORY = "52:54:00:00:00:23"
DAVE = "02:00:00:00:00:25"
GATEWAY = "52:55:0a:00:02:02"


def boot_and_finish(start, extra):
    assert ARCHIVE.exists(), f"{ARCHIVE} is missing: run make system-test"
    m = start(ARCHIVE, extra=extra)
    for name in CLIENTS:
        pattern = rf"{name}: done"
        if not re.search(pattern, m.output):
            m.expect(pattern, timeout=90)
    # Late frames (answers to the last requests) have time to arrive.
    assert m.stays_up(1), "QEMU ended"
    return m


@pytest.fixture(scope="module")
def switched():
    """One machine for the tests that only read what it printed."""
    bastei.require_qemu()
    machines = []

    def start(initrd, extra):
        mm = bastei.Machine("test_net-switched", initrd=initrd, extra=extra)
        machines.append(mm)
        return mm

    try:
        m = boot_and_finish(start, MODERN + NET_DEVICE)
        yield m
    finally:
        for mm in machines:
            mm.close()


@pytest.fixture
def machine(switched, request):
    # The failure hook (conftest.py) shows the console of these machines.
    request.node.machines = [switched]
    return switched


def lines_of(m, name):
    return [line for line in m.lines() if line.startswith(name + ": ")]


def test_the_switch_starts_with_its_uplink_and_every_port(machine):
    m = machine
    assert "net: uplink: virtio-net, MAC 52:54:00:12:34:56, link up" in m.output
    assert f"net: port alice: MAC {ALICE}, peers all" in m.output
    assert "net: port carol: MAC 52:54:00:00:00:24, peers uplink" in m.output
    assert "net: port dave: MAC any (not enforced), peers all" in m.output
    assert "net: switching 5 ports and the uplink" in m.output
    for name in CLIENTS:
        assert f"net: port {name}: up (reset by its client)" in m.output


def test_frames_are_switched_between_clients(machine):
    m = machine
    assert f"alice: 10.0.2.22 is at {BOB}" in m.output
    assert "bob: answered ping from 10.0.2.21" in m.output
    assert "alice: ping 10.0.2.22: reply" in m.output
    assert f'alice: got "hello from bob" from {BOB}' in m.output
    assert f'bob: got "hello from alice" from {ALICE}' in m.output
    assert f"alice: 10.0.2.25 is at {DAVE}" in m.output
    assert "alice: ping 10.0.2.25: reply" in m.output


def test_unicast_goes_only_to_its_destination_and_nothing_comes_back(machine):
    m = machine
    # bob's hello was for alice alone.
    for name in ["mallory", "carol", "dave"]:
        assert f'{name}: got "hello from bob"' not in m.output
    # Broadcasts never return to their sender.
    for name in CLIENTS:
        assert f'{name}: got "hello from {name}"' not in m.output


def test_the_switch_learns_instead_of_flooding(machine):
    m = machine
    # dave has no address of its own, so it would get every unicast frame
    # for an address the switch does not know: the gateway's (learnt from
    # its ARP answer on the uplink), dave's own (learnt from its frames),
    # and the other ports' never reach it.
    assert f"alice: 10.0.2.2 is at {GATEWAY}" in m.output
    assert "dave: saw a frame for" not in m.output
    assert "dave: answered ping from 10.0.2.21" in m.output


def test_spoofed_frames_are_dropped_and_counted(machine):
    m = machine
    assert f"mallory: sent 5 frames as {ALICE}" in m.output
    assert (f"net: port mallory: dropped a frame from {ALICE}, not its own address "
            "(1 so far)") in m.output
    assert re.search(r"mallory: switch counters: rx \d+ tx \d+ spoofed 5 ", m.output)
    assert 'got "spoofed by mallory"' not in m.output
    # Its frames with its own address pass.
    assert f'alice: got "hello from mallory" from {MALLORY}' in m.output


def test_a_port_restricted_by_peers_reaches_only_the_uplink(machine):
    m = machine
    assert "carol: no ARP answer from 10.0.2.21" in m.output
    assert "alice: no ARP answer from 10.0.2.24" in m.output
    assert ("net: port carol: dropped a frame to 52:54:00:00:00:21, a port its peers exclude "
            "(1 so far)") in m.output
    assert re.search(r"carol: switch counters: rx \d+ tx \d+ spoofed 0 denied 1 ", m.output)
    assert 'alice: got "hello from carol"' not in m.output
    carol = lines_of(m, "carol")
    assert not [line for line in carol if "answered" in line or "got " in line], carol
    assert f"carol: 10.0.2.2 is at {GATEWAY}" in m.output


def test_the_uplink_reaches_qemus_gateway(machine):
    m = machine
    assert f"alice: 10.0.2.2 is at {GATEWAY}" in m.output
    assert "alice: ping 10.0.2.2: reply" in m.output


def test_a_client_breaking_its_queues_hurts_only_itself(machine):
    m = machine
    assert "net: port mallory: dropped a bad descriptor or frame (1 so far)" in m.output
    assert "net: port mallory: dropped a bad descriptor or frame (10 so far)" in m.output
    assert "net: port mallory: its client broke a queue; waiting for a reset" in m.output
    assert "mallory: port up again" in m.output
    # After the reset its port works again, and the others never stopped.
    assert f'bob: got "hello from mallory" from {MALLORY}' in m.output
    assert "alice: ping 10.0.2.2: reply" in m.output
    assert "mallory: could not send" not in m.output
    assert re.search(r"mallory: switch counters: rx \d+ tx \d+ spoofed 5 denied 0 full \d+ "
                     r"bad 16", m.output)


def test_without_a_modern_device_the_switch_serves_its_ports_alone(boot):
    # Without force-legacy=false QEMU offers the legacy transport only.
    assert ARCHIVE.exists(), f"{ARCHIVE} is missing: run make system-test"
    m = boot_and_finish(boot, NET_DEVICE)
    assert ("net: uplink unusable: a legacy virtio transport "
            "(QEMU needs -global virtio-mmio.force-legacy=false)") in m.output
    assert "net: switching 5 ports" in m.output
    assert "alice: ping 10.0.2.22: reply" in m.output
    assert "alice: no ARP answer from 10.0.2.2" in m.output
