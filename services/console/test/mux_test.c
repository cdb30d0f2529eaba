/*
 * Host tests of the console multiplexer's logic (services/console/mux.c,
 * command.c): focus, history and replay, notices, the Ctrl-] commands, typed
 * input and waiting reads. The serial line is a buffer the tests read back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../mux.h"

static struct mux mux; /* large: static */
static char serial[1 << 17];
static size_t serial_len;
static char started[64];
static int start_calls;

static void serial_write(void *ctx, const void *buf, size_t len)
{
    (void)ctx;
    assert_true(serial_len + len < sizeof(serial));
    memcpy(serial + serial_len, buf, len);
    serial_len += len;
    serial[serial_len] = 0;
}

static void start_hook(void *ctx, const char *name)
{
    struct mux *m = ctx;
    snprintf(started, sizeof(started), "%s", name);
    start_calls++;
    mux_say(m, "starting %s", name);
}

static void clear_serial(void)
{
    serial_len = 0;
    serial[0] = 0;
}

/* A multiplexer with consoles "a" (key 1, focused) and "b" (key 2). */
static int setup(void **state)
{
    (void)state;
    struct mux_ops ops = {.serial_write = serial_write, .start = NULL, .ctx = NULL};
    mux_init(&mux, &ops);
    assert_int_equal(mux_add(&mux, "a", 1), 0);
    assert_int_equal(mux_add(&mux, "b", 2), 1);
    clear_serial();
    started[0] = 0;
    start_calls = 0;
    return 0;
}

static void type(const char *s)
{
    mux_serial_input(&mux, (const uint8_t *)s, strlen(s));
}

static void print(unsigned c, const char *s)
{
    mux_output(&mux, c, s, strlen(s));
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p != NULL; p = strstr(p + 1, needle)) {
        n++;
    }
    return n;
}

static void first_console_added_gets_the_focus(void **state)
{
    (void)state;
    assert_int_equal(mux.focus, 0);
    struct mux_ops ops = {.serial_write = serial_write};
    mux_init(&mux, &ops);
    assert_int_equal(mux.focus, -1);
    mux_banner(&mux);
    assert_string_equal(serial, "console: no consoles\r\n");
    mux_add(&mux, "shell", 7);
    assert_int_equal(mux.focus, 0);
}

static void add_refuses_bad_names_and_duplicates(void **state)
{
    (void)state;
    assert_int_equal(mux_add(&mux, "", 3), -1);
    assert_int_equal(mux_add(&mux, "has space", 3), -1);
    assert_int_equal(mux_add(&mux, "0123456789012345678901234567890x", 3), -1); /* 32 */
    assert_int_equal(mux_add(&mux, "a", 3), -1);
    assert_int_equal(mux_add(&mux, "c", 2), -1);
    assert_int_equal(mux_add(&mux, "0123456789012345678901234567890", 3), 2); /* 31 */
    char name[8];
    int added = 3;
    for (unsigned i = 0; i < MUX_MAX_CONSOLES; i++) {
        snprintf(name, sizeof(name), "c%u", i);
        if (mux_add(&mux, name, 100 + i) >= 0) {
            added++;
        }
    }
    assert_int_equal(added, MUX_MAX_CONSOLES);
    assert_int_equal(mux_find_name(&mux, "c0"), 3);
    assert_int_equal(mux_find_key(&mux, 2), 1);
    assert_int_equal(mux_find_key(&mux, 99), -1);
    assert_int_equal(mux_find_name(&mux, "zz"), -1);
}

static void banner_names_the_focus(void **state)
{
    (void)state;
    mux_banner(&mux);
    assert_string_equal(serial, "console: 2 consoles, focus on a (Ctrl-] NAME Enter switches, "
                                "Ctrl-] ? Enter lists)\r\n");
}

static void set_focus_changes_the_focus_quietly(void **state)
{
    (void)state;
    assert_true(mux_set_focus(&mux, 1));
    assert_int_equal(mux.focus, 1);
    assert_false(mux_set_focus(&mux, 2));
    assert_false(mux_set_focus(&mux, -1));
    assert_string_equal(serial, "");
}

static void args_can_name_the_first_focus(void **state)
{
    (void)state;
    mux_apply_args(&mux, "verbose focus=b");
    assert_int_equal(mux.focus, 1);
    assert_string_equal(serial, "");
    mux_apply_args(&mux, " focus=zz ");
    assert_int_equal(mux.focus, 1);
    assert_string_equal(serial, "console: args: no console \"zz\" to focus\r\n");
    mux_apply_args(&mux, "");
    mux_apply_args(&mux, "focus=");
    assert_int_equal(mux.focus, 1);
}

static void focused_output_goes_to_the_serial_line_as_it_is(void **state)
{
    (void)state;
    const char bytes[] = "line\nno cr\x1b[1m\x00\xff";
    mux_output(&mux, 0, bytes, sizeof(bytes));
    assert_int_equal(serial_len, sizeof(bytes));
    assert_memory_equal(serial, bytes, sizeof(bytes));
}

static void unfocused_output_is_kept_and_noticed_once(void **state)
{
    (void)state;
    print(1, "hello from b\n");
    assert_string_equal(serial, "console: b has output waiting (Ctrl-] b Enter)\r\n");
    print(1, "more\n");
    assert_int_equal(count_of(serial, "has output waiting"), 1);
    assert_null(strstr(serial, "hello"));
    assert_int_equal(ring_count(&mux.consoles[1].history), 18);
}

static void notice_begins_on_a_fresh_line(void **state)
{
    (void)state;
    print(0, "$ ");
    print(1, "x");
    assert_string_equal(serial, "$ \r\nconsole: b has output waiting (Ctrl-] b Enter)\r\n");
}

static void switching_replays_what_was_printed_meanwhile(void **state)
{
    (void)state;
    print(1, "hello\n");
    clear_serial();
    type("\x1d"
         "b\r");
    assert_string_equal(serial, "console> b\r\nconsole: focus on b; 6 bytes follow\r\nhello\n");
    assert_int_equal(mux.focus, 1);
    clear_serial();
    print(1, "live\n");
    assert_string_equal(serial, "live\n");
    clear_serial();
    print(0, "from a");
    assert_string_equal(serial, "console: a has output waiting (Ctrl-] a Enter)\r\n");
}

static void a_second_unfocused_period_gets_a_new_notice(void **state)
{
    (void)state;
    print(1, "one");
    type("\x1d"
         "b\r");
    type("\x1d"
         "a\r");
    clear_serial();
    print(1, "two");
    assert_int_equal(count_of(serial, "b has output waiting"), 1);
}

static void replay_says_how_much_older_output_was_dropped(void **state)
{
    (void)state;
    static char big[MUX_HISTORY_SIZE + 100];
    for (size_t i = 0; i < sizeof(big); i++) {
        big[i] = (char)('a' + i % 26);
    }
    mux_output(&mux, 1, big, sizeof(big));
    clear_serial();
    type("\x1d"
         "b\r");
    const char *line = "console: focus on b; 16384 bytes follow, 100 older bytes were dropped\r\n";
    const char *p = strstr(serial, line);
    assert_non_null(p);
    p += strlen(line);
    assert_int_equal(serial + serial_len - p, MUX_HISTORY_SIZE);
    assert_memory_equal(p, big + 100, MUX_HISTORY_SIZE);
}

static void switching_to_a_console_with_nothing_waiting_says_just_focus(void **state)
{
    (void)state;
    type("\x1d"
         "b\r");
    assert_string_equal(serial, "console> b\r\nconsole: focus on b\r\n");
}

static void list_shows_each_console_and_its_state(void **state)
{
    (void)state;
    assert_int_equal(mux_add(&mux, "linux1", 3), 2);
    print(1, "12345");
    static char big[MUX_HISTORY_SIZE + 7];
    memset(big, 'x', sizeof(big));
    mux_output(&mux, 2, big, sizeof(big));
    mux_park_read(&mux, 0, 99, 10);
    clear_serial();
    type("\x1d?\r");
    assert_string_equal(serial,
                        "console> ?\r\n"
                        "console: 3 consoles:\r\n"
                        "console: * a       focused, reading\r\n"
                        "console:   b       5 bytes waiting\r\n"
                        "console:   linux1  16384 bytes waiting, 7 older bytes dropped\r\n"
                        "console: keys: Ctrl-] NAME Enter focuses NAME, Ctrl-] Ctrl-] sends "
                        "Ctrl-], Esc cancels\r\n");
}

static void list_shows_unread_input_and_quiet_consoles(void **state)
{
    (void)state;
    type("abc");
    clear_serial();
    mux_list(&mux);
    assert_non_null(strstr(serial, "console: * a  focused, 3 typed bytes unread\r\n"));
    assert_non_null(strstr(serial, "console:   b  no output waiting\r\n"));
}

static void unknown_name_gives_a_one_line_error(void **state)
{
    (void)state;
    type("\x1d"
         "nope\r");
    assert_string_equal(
        serial, "console> nope\r\nconsole: no console \"nope\" (Ctrl-] ? Enter lists them)\r\n");
    assert_int_equal(mux.focus, 0);
}

static void naming_the_focused_console_says_so(void **state)
{
    (void)state;
    type("\x1d a \r");
    assert_string_equal(serial, "console>  a \r\nconsole: a has the focus already\r\n");
}

static void typed_input_reaches_only_the_focused_console(void **state)
{
    (void)state;
    type("hi\r");
    char buf[16];
    assert_int_equal(mux_read(&mux, 1, buf, sizeof(buf)), 0);
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "hi\r", 3);
    type("\x1d"
         "b\r"
         "yo");
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), 0);
    assert_int_equal(mux_read(&mux, 1, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "yo", 2);
}

static void command_keys_do_not_reach_any_console(void **state)
{
    (void)state;
    type("\x1d"
         "nope\x7f\x7f\x7f\x7f\x1b");
    char buf[16];
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), 0);
    assert_int_equal(mux_read(&mux, 1, buf, sizeof(buf)), 0);
}

static void ctrl_bracket_twice_sends_one_to_the_focused_console(void **state)
{
    (void)state;
    type("x\x1d\x1dy");
    char buf[16];
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), 3);
    assert_memory_equal(buf, "x\x1dy", 3);
    /* The prompt was shown and taken away again. */
    assert_string_equal(serial, "console> \r         \r");
}

static void backspace_edits_the_command(void **state)
{
    (void)state;
    type("\x1d"
         "bx\x7f");
    assert_string_equal(serial, "console> bx\b \b");
    type("\r");
    assert_int_equal(mux.focus, 1);
}

static void esc_cancels_and_erases_the_prompt(void **state)
{
    (void)state;
    type("\x1d"
         "b\x1b");
    assert_string_equal(serial, "console> b\r          \r");
    assert_int_equal(mux.focus, 0);
    clear_serial();
    type("\x1d"
         "b\x03");
    assert_int_equal(mux.focus, 0);
    type("q");
    char buf[4];
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), 1);
    assert_int_equal(buf[0], 'q');
}

static void empty_command_just_closes(void **state)
{
    (void)state;
    type("\x1d  \r");
    assert_string_equal(serial, "console>   \r           \r");
    assert_int_equal(mux.focus, 0);
}

static void prompt_begins_on_a_fresh_line(void **state)
{
    (void)state;
    print(0, "$ ");
    type("\x1d");
    assert_string_equal(serial, "$ \r\nconsole> ");
}

static void focused_output_during_a_command_is_held_until_it_closes(void **state)
{
    (void)state;
    type("\x1d"
         "x");
    print(0, "late\n");
    assert_null(strstr(serial, "late"));
    type("\x7f\x1b");
    assert_non_null(strstr(serial, "late\n"));
    assert_null(strstr(serial, "waiting"));
    clear_serial();
    print(0, "now");
    assert_string_equal(serial, "now");
}

static void held_output_of_the_old_focus_waits_after_a_switch(void **state)
{
    (void)state;
    type("\x1d"
         "b");
    print(0, "while typing\n");
    type("\r");
    assert_null(strstr(serial, "while typing"));
    assert_non_null(strstr(serial, "console: a has output waiting (Ctrl-] a Enter)\r\n"));
    clear_serial();
    type("\x1d"
         "a\r");
    assert_non_null(strstr(serial, "focus on a; 13 bytes follow\r\nwhile typing\n"));
}

static void held_output_that_overflowed_says_so(void **state)
{
    (void)state;
    type("\x1d");
    static char big[MUX_HISTORY_SIZE + 5];
    memset(big, 'z', sizeof(big));
    mux_output(&mux, 0, big, sizeof(big));
    type("\x1b");
    assert_non_null(strstr(
        serial, "console: 5 bytes of a's output were dropped while the command line was open\r\n"));
}

static void notices_wait_while_a_command_is_typed(void **state)
{
    (void)state;
    type("\x1d"
         "x");
    print(1, "news");
    assert_null(strstr(serial, "waiting"));
    type("\x1b");
    assert_non_null(strstr(serial, "console: b has output waiting (Ctrl-] b Enter)\r\n"));
}

static void read_waits_until_input_arrives(void **state)
{
    (void)state;
    struct mux_read_done done;
    char buf[16];
    assert_int_equal(mux_park_read(&mux, 0, 55, 8), 0);
    assert_false(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
    print(1, "x"); /* output elsewhere does not complete it */
    assert_false(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
    type("ok");
    assert_true(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
    assert_int_equal(done.console, 0);
    assert_int_equal(done.token, 55);
    assert_int_equal(done.count, 2);
    assert_memory_equal(buf, "ok", 2);
    assert_int_equal(mux.consoles[0].reader, 0);
    assert_false(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
}

static void reads_of_two_consoles_complete_independently(void **state)
{
    (void)state;
    struct mux_read_done done;
    char buf[16];
    mux_park_read(&mux, 0, 10, 8);
    mux_park_read(&mux, 1, 20, 8);
    type("\x1d"
         "b\r"
         "for b");
    assert_true(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
    assert_int_equal(done.token, 20);
    assert_int_equal(done.count, 5);
    assert_false(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
    assert_int_equal(mux.consoles[0].reader, 10);
}

static void a_newer_read_replaces_the_older_one(void **state)
{
    (void)state;
    assert_int_equal(mux_park_read(&mux, 0, 10, 8), 0);
    assert_int_equal(mux_park_read(&mux, 0, 11, 4), 10);
    type("abcdefgh");
    struct mux_read_done done;
    char buf[16];
    assert_true(mux_take_ready_read(&mux, &done, buf, sizeof(buf)));
    assert_int_equal(done.token, 11);
    assert_int_equal(done.count, 4);
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "efgh", 4);
}

static void ready_read_takes_no_more_than_the_buffer(void **state)
{
    (void)state;
    mux_park_read(&mux, 0, 10, 100);
    type("abcdef");
    struct mux_read_done done;
    char buf[4];
    assert_true(mux_take_ready_read(&mux, &done, buf, 3));
    assert_int_equal(done.count, 3);
}

static void typed_input_is_bounded(void **state)
{
    (void)state;
    static char keys[MUX_INPUT_SIZE + 50];
    memset(keys, 'k', sizeof(keys));
    mux_serial_input(&mux, (const uint8_t *)keys, sizeof(keys));
    static char buf[MUX_INPUT_SIZE + 50];
    assert_int_equal(mux_read(&mux, 0, buf, sizeof(buf)), MUX_INPUT_SIZE);
}

static void start_without_a_hook_says_it_is_not_available(void **state)
{
    (void)state;
    type("\x1dstart linux2\r");
    assert_string_equal(
        serial,
        "console> start linux2\r\nconsole: cannot start linux2: starting is not available\r\n");
}

static void start_calls_the_hook_with_the_name(void **state)
{
    (void)state;
    mux.ops.start = start_hook;
    mux.ops.ctx = &mux;
    type("\x1dstart  linux2 \r");
    assert_int_equal(start_calls, 1);
    assert_string_equal(started, "linux2");
    assert_non_null(strstr(serial, "console: starting linux2\r\n"));
    clear_serial();
    type("\x1dstart \r");
    type("\x1dstart a b\r");
    assert_int_equal(start_calls, 1);
    assert_int_equal(count_of(serial, "console: usage: Ctrl-] start NAME Enter\r\n"), 2);
}

static void a_console_named_start_can_be_focused(void **state)
{
    (void)state;
    mux_add(&mux, "start", 9);
    type("\x1dstart\r");
    assert_int_equal(mux.focus, 2);
}

static void say_keeps_an_open_command_line_intact(void **state)
{
    (void)state;
    type("\x1d"
         "ab");
    clear_serial();
    mux_say(&mux, "linux2 started");
    assert_string_equal(serial, "\r           \rconsole: linux2 started\r\nconsole> ab");
    type("\x1b");
}

static void output_of_unknown_console_is_ignored(void **state)
{
    (void)state;
    print(7, "x");
    assert_string_equal(serial, "");
    char buf[2];
    assert_int_equal(mux_read(&mux, 7, buf, sizeof(buf)), 0);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup(name, setup)
    const struct CMUnitTest tests[] = {
        T(first_console_added_gets_the_focus),
        T(add_refuses_bad_names_and_duplicates),
        T(banner_names_the_focus),
        T(set_focus_changes_the_focus_quietly),
        T(args_can_name_the_first_focus),
        T(focused_output_goes_to_the_serial_line_as_it_is),
        T(unfocused_output_is_kept_and_noticed_once),
        T(notice_begins_on_a_fresh_line),
        T(switching_replays_what_was_printed_meanwhile),
        T(a_second_unfocused_period_gets_a_new_notice),
        T(replay_says_how_much_older_output_was_dropped),
        T(switching_to_a_console_with_nothing_waiting_says_just_focus),
        T(list_shows_each_console_and_its_state),
        T(list_shows_unread_input_and_quiet_consoles),
        T(unknown_name_gives_a_one_line_error),
        T(naming_the_focused_console_says_so),
        T(typed_input_reaches_only_the_focused_console),
        T(command_keys_do_not_reach_any_console),
        T(ctrl_bracket_twice_sends_one_to_the_focused_console),
        T(backspace_edits_the_command),
        T(esc_cancels_and_erases_the_prompt),
        T(empty_command_just_closes),
        T(prompt_begins_on_a_fresh_line),
        T(focused_output_during_a_command_is_held_until_it_closes),
        T(held_output_of_the_old_focus_waits_after_a_switch),
        T(held_output_that_overflowed_says_so),
        T(notices_wait_while_a_command_is_typed),
        T(read_waits_until_input_arrives),
        T(reads_of_two_consoles_complete_independently),
        T(a_newer_read_replaces_the_older_one),
        T(ready_read_takes_no_more_than_the_buffer),
        T(typed_input_is_bounded),
        T(start_without_a_hook_says_it_is_not_available),
        T(start_calls_the_hook_with_the_name),
        T(a_console_named_start_can_be_focused),
        T(say_keeps_an_open_command_line_intact),
        T(output_of_unknown_console_is_ignored),
    };
#undef T
    return cmocka_run_group_tests_name("console_mux", tests, NULL, NULL);
}
