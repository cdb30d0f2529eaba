"""pytest glue for the system tests: a `boot` fixture that starts machines
and stops them afterwards, and a report hook that appends the tail of every
serial console a failing test started."""

import pytest

import bastei


@pytest.fixture
def boot(request):
    bastei.require_qemu()
    machines = []

    def start(initrd=None, **kwargs):
        name = request.node.name if not machines else f"{request.node.name}-{len(machines)}"
        m = bastei.Machine(name, initrd=initrd, **kwargs)
        machines.append(m)
        return m

    request.node.machines = machines
    yield start
    for m in machines:
        m.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        for m in getattr(item, "machines", []):
            report.sections.append(
                (f"serial console of {m.name} (last 40 lines, full log {m.log_path})", m.tail())
            )
