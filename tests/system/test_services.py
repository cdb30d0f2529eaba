"""Root's services and the loader (scenario services-test): components built
from the system description find each other through the name server, a
crashed component is reported and everything it held returns to root (and
it is restarted when its scenario says so), a component that asks for more
than its quota gets an error and keeps running, and the rest keeps going."""

import re

import pytest

import bastei


@pytest.fixture(scope="module")
def services_log(tmp_path_factory):
    """One boot of services-test, read until every component is done."""
    m = bastei.Machine("services-test", initrd=bastei.BUILD / "boot-services-test.cpio", cpus=2)
    try:
        # The components run concurrently: these come in either order.
        for pattern in (r"root: phoenix crashed 5 times; not restarting it again",
                        r"late: echo answered 42", r"root: late's memory"):
            if not re.search(pattern, m.output):
                m.expect(pattern, timeout=60)
        m.stays_up(1)
        return m.output
    finally:
        m.close()


def test_loader_starts_every_component(services_log):
    assert "loader: started 9 of 9 components" in services_log
    assert "root: loader's memory" in services_log  # the loader ended cleanly


def test_components_find_each_other_by_name(services_log):
    assert 'root: echo registered "echo"' in services_log
    for client in ("client", "late"):
        assert f'{client}: lookup "echo": found' in services_log
        assert f"{client}: echo answered 42" in services_log


def test_a_name_outside_uses_fails_at_once(services_log):
    # BT_E_RIGHTS (4): "not-mine" is not in the clients' "uses".
    assert 'client: lookup "not-mine": error 4, at once' in services_log


@pytest.mark.parametrize(
    "name, report",
    [
        ("crasher", r"null pointer: read of address 0x0 at pc 0x4[0-9a-f]+"),
        ("overflow", r"stack overflow: write of address 0x7ffefffef[0-9a-f]{3} at pc 0x4[0-9a-f]+"),
        ("phoenix", r"undefined instruction at pc 0x4[0-9a-f]+"),
    ],
)
def test_crash_is_reported_with_name_and_address(services_log, name, report):
    assert re.search(rf"root: component {name} crashed: {report}", services_log)
    assert re.search(rf"root: {name}'s memory \(\d+ KiB used of 512 KiB\) and capabilities "
                     r"are back with root", services_log)


def test_crashed_component_without_restart_stays_stopped(services_log):
    assert "root: crasher stays stopped" in services_log
    assert services_log.count("crasher: started") == 1
    assert "root: overflow stays stopped" in services_log


def test_crashed_component_with_restart_is_started_again(services_log):
    # Five restarts, each built anew from memory that came back to root.
    assert services_log.count("root: restarting phoenix") == 5
    assert services_log.count("phoenix: started") == 6


def test_quota_is_enforced_and_the_component_keeps_running(services_log):
    match = re.search(r"hog: root refused frame (\d+) with error 8; quota 512 KiB, used 512 KiB",
                      services_log)
    assert match, "hog was never refused"
    assert int(match.group(1)) > 10
    assert "hog: still running" in services_log
    assert "root: hog ended (exit code 0)" in services_log


def test_the_rest_keeps_running_after_crashes(services_log):
    crashes_end = services_log.index("root: crasher stays stopped")
    assert services_log.index("late: echo answered 42") > crashes_end
    assert "panic" not in services_log


def test_ring_channel_carries_requests_and_survives_a_server_restart(services_log):
    # The server crashes at the first request; the ring's memory and the
    # signals both ways outlive its restart, so the request is answered.
    assert ("rings: ring of 16 KiB (ro partition=2 mac=52:54:00:00:00:07 peers=uplink); "
            "first start") in services_log
    assert "root: component rings crashed: null pointer" in services_log
    assert "restarted after the crash" in services_log
    assert "ringc: ring answered 42" in services_log
    assert "ringc: ring answered 48" in services_log
    assert "root: ringc ended (exit code 0)" in services_log
