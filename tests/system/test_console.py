"""The console multiplexer (services/console) on the real PL011: the focused
console's output reaches the serial line, the other one's waits behind a
notice, Ctrl-] NAME Enter switches and replays, typed input reaches only the
focused console, and Ctrl-] ? Enter lists the consoles.

The scenario is scenarios/console-test.dts: console owns the UART, echo1 and
echo2 (tests/programs/console_echo) greet through their console channel and
echo each line typed for them as `NAME: got "LINE"`.
"""

import re

import pytest

import bastei

ARCHIVE = bastei.BUILD / "boot-console-test.cpio"
CTRL_BRACKET = "\x1d"
# The pty turns the console's "\r\n" into "\r\r\n".
EOL = r"\r*\n"


@pytest.fixture
def machine(boot):
    assert ARCHIVE.exists(), f"{ARCHIVE} is missing: run make system-test"
    m = boot(ARCHIVE)
    m.expect(r"console: 3 consoles, focus on echo1 \(Ctrl-\] NAME Enter switches")
    return m


def saw(m, pattern, timeout=30):
    """Waits for pattern unless it has been read already (two components
    print concurrently, so their lines come in either order)."""
    if not re.search(pattern, m.output):
        m.expect(pattern, timeout=timeout)


def start_up(m):
    saw(m, r"echo1: hello from echo1, a client of the console multiplexer" + EOL)
    saw(m, r"console: echo2 has output waiting \(Ctrl-\] echo2 Enter\)" + EOL)


def test_focused_output_shows_and_unfocused_output_waits_behind_a_notice(machine):
    m = machine
    start_up(m)
    assert m.stays_up(1)
    assert "hello from echo2" not in m.output
    assert m.output.count("echo2 has output waiting") == 1
    assert "echo1 has output waiting" not in m.output


def test_switching_replays_and_input_goes_only_to_the_focused_console(machine):
    m = machine
    start_up(m)
    m.send("abc\r")
    m.expect(r'echo1: got "abc"')

    m.send(CTRL_BRACKET + "echo2\r")
    m.expect(r"console: focus on echo2; \d+ bytes follow" + EOL)
    m.expect(r"echo2: hello from echo2, a client of the console multiplexer" + EOL)

    m.send("xyz\r")
    m.expect(r'echo2: got "xyz"')
    m.send(CTRL_BRACKET + "?\r")
    m.expect(r"console: 3 consoles:" + EOL)
    m.expect(r"console:   echo1  no output waiting(, reading)?" + EOL)
    m.expect(r"console: \* echo2  focused(, reading)?" + EOL)
    # echo1 got nothing while unfocused: no notice, nothing to replay.
    assert "echo1 has output waiting" not in m.output
    assert 'echo1: got "xyz"' not in m.output

    m.send(CTRL_BRACKET + "echo1\r")
    m.expect(r"console: focus on echo1" + EOL)
    m.send("back\r")
    m.expect(r'echo1: got "back"')
    assert 'echo2: got "back"' not in m.output

    # A line longer than a read's reply fits in registers.
    line = "".join(chr(ord("a") + i % 26) for i in range(100))
    m.send(line + "\r")
    m.expect(f'echo1: got "{line}"')


def test_command_line_keys(machine):
    m = machine
    start_up(m)
    m.send(CTRL_BRACKET + "nope\r")
    m.expect(r'console: no console "nope" \(Ctrl-\] \? Enter lists them\)' + EOL)

    # Ctrl-] Ctrl-] sends one Ctrl-] to the focused console.
    m.send(CTRL_BRACKET + CTRL_BRACKET + "x\r")
    m.expect(r'echo1: got "\\x1dx"')

    # Backspace (DEL) edits the command.
    m.send(CTRL_BRACKET + "echo3\x7f2\r")
    m.expect(r"console: focus on echo2; \d+ bytes follow" + EOL)

    # Esc cancels: the next keys still go to echo2.
    m.send(CTRL_BRACKET + "echo1\x1b")
    m.send("q\r")
    m.expect(r'echo2: got "q"')
    assert "console: focus on echo1" not in m.output


def test_start_from_the_console(machine):
    m = machine
    start_up(m)
    assert "root: late waits to be started" in m.output
    assert "hello from late" not in m.output
    m.send(CTRL_BRACKET + "start late\r")
    m.expect(r"console: started late" + EOL)
    m.send(CTRL_BRACKET + "late\r")
    m.expect(r"late: hello from late, a client of the console multiplexer" + EOL)
    m.send("hi\r")
    m.expect(r'late: got "hi"')

    m.send(CTRL_BRACKET + "start late\r")
    m.expect(r"console: cannot start late: it is running" + EOL)
    m.send(CTRL_BRACKET + "start echo1\r")
    m.expect(r"console: cannot start echo1: the scenario does not let the console start it" + EOL)
    # huge's quota is the rest of the machine: root keeps some for itself.
    m.send(CTRL_BRACKET + "start huge\r")
    m.expect(r"console: cannot start huge: not enough free memory for its 1045504 KiB" + EOL)
    m.send("still\r")
    m.expect(r'late: got "still"')
