/*
 * Host tests of the console multiplexer's key state machine (services/
 * console/cmdline.c): what each key means inside and outside a command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../cmdline.h"

/* Feeds s; returns the action of its last key. */
static enum cmdline_action feed(struct cmdline *c, const char *s)
{
    enum cmdline_action a = CMDLINE_IGNORED;
    for (; *s != 0; s++) {
        a = cmdline_key(c, (uint8_t)*s);
    }
    return a;
}

static void keys_pass_until_ctrl_bracket(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    assert_int_equal(cmdline_key(&c, 'a'), CMDLINE_PASS);
    assert_int_equal(cmdline_key(&c, 0x1b), CMDLINE_PASS); /* Esc outside a command */
    assert_int_equal(cmdline_key(&c, 0x03), CMDLINE_PASS); /* Ctrl-C too */
    assert_int_equal(cmdline_key(&c, '\r'), CMDLINE_PASS);
    assert_int_equal(cmdline_key(&c, 0x1d), CMDLINE_BEGIN);
    assert_true(cmdline_is_open(&c));
}

static void enter_executes_what_was_typed(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d");
    assert_int_equal(cmdline_key(&c, 's'), CMDLINE_ADDED);
    assert_int_equal(feed(&c, "hell"), CMDLINE_ADDED);
    assert_int_equal(cmdline_key(&c, '\r'), CMDLINE_EXECUTE);
    assert_false(cmdline_is_open(&c));
    assert_string_equal(cmdline_text(&c), "shell");
    assert_int_equal(cmdline_key(&c, 'x'), CMDLINE_PASS);
}

static void line_feed_also_executes(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    assert_int_equal(feed(&c, "\x1d?\n"), CMDLINE_EXECUTE);
    assert_string_equal(cmdline_text(&c), "?");
}

static void backspace_and_delete_erase(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d");
    assert_int_equal(cmdline_key(&c, 0x7f), CMDLINE_IGNORED); /* nothing to erase */
    feed(&c, "abc");
    assert_int_equal(cmdline_key(&c, 0x7f), CMDLINE_ERASED);
    assert_int_equal(cmdline_key(&c, 0x08), CMDLINE_ERASED);
    assert_string_equal(cmdline_text(&c), "a");
    assert_int_equal(feed(&c, "x\r"), CMDLINE_EXECUTE);
    assert_string_equal(cmdline_text(&c), "ax");
}

static void ctrl_bracket_twice_is_a_literal(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d");
    assert_int_equal(cmdline_key(&c, 0x1d), CMDLINE_LITERAL);
    assert_false(cmdline_is_open(&c));
    assert_int_equal(cmdline_key(&c, 'a'), CMDLINE_PASS);
}

static void ctrl_bracket_inside_a_command_is_ignored(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d"
             "ab");
    assert_int_equal(cmdline_key(&c, 0x1d), CMDLINE_IGNORED);
    assert_true(cmdline_is_open(&c));
    assert_string_equal(cmdline_text(&c), "ab");
}

static void esc_and_ctrl_c_cancel(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    assert_int_equal(feed(&c, "\x1d"
                              "abc\x1b"),
                     CMDLINE_CANCEL);
    assert_false(cmdline_is_open(&c));
    assert_int_equal(cmdline_key(&c, 'q'), CMDLINE_PASS);
    assert_int_equal(feed(&c, "\x1d"
                              "abc\x03"),
                     CMDLINE_CANCEL);
    assert_int_equal(cmdline_key(&c, 'q'), CMDLINE_PASS);
}

static void arrow_key_cancels_and_its_sequence_is_swallowed(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d"
             "ab");
    assert_int_equal(cmdline_key(&c, 0x1b), CMDLINE_CANCEL);
    assert_int_equal(cmdline_key(&c, '['), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, '1'), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, ';'), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, 'D'), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, 'D'), CMDLINE_PASS);
    /* SS3 form */
    feed(&c, "\x1d");
    assert_int_equal(feed(&c, "\x1bOA"), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, 'A'), CMDLINE_PASS);
}

static void key_after_esc_that_starts_no_sequence_counts(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d\x1b");
    assert_int_equal(cmdline_key(&c, 'x'), CMDLINE_PASS);
    feed(&c, "\x1d\x1b");
    assert_int_equal(cmdline_key(&c, 0x1d), CMDLINE_BEGIN);
}

static void control_and_non_ascii_keys_are_ignored_in_a_command(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d");
    assert_int_equal(cmdline_key(&c, 0x01), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, '\t'), CMDLINE_IGNORED);
    assert_int_equal(cmdline_key(&c, 0xc3), CMDLINE_IGNORED);
    assert_string_equal(cmdline_text(&c), "");
}

static void command_length_is_bounded(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d");
    for (int i = 0; i < CMDLINE_MAX; i++) {
        assert_int_equal(cmdline_key(&c, 'a'), CMDLINE_ADDED);
    }
    assert_int_equal(cmdline_key(&c, 'b'), CMDLINE_IGNORED);
    assert_int_equal(strlen(cmdline_text(&c)), CMDLINE_MAX);
    assert_int_equal(cmdline_key(&c, 0x7f), CMDLINE_ERASED);
    assert_int_equal(cmdline_key(&c, 'b'), CMDLINE_ADDED);
}

static void a_new_command_starts_empty(void **state)
{
    (void)state;
    struct cmdline c;
    cmdline_init(&c);
    feed(&c, "\x1d"
             "old\r");
    feed(&c, "\x1d");
    assert_string_equal(cmdline_text(&c), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keys_pass_until_ctrl_bracket),
        cmocka_unit_test(enter_executes_what_was_typed),
        cmocka_unit_test(line_feed_also_executes),
        cmocka_unit_test(backspace_and_delete_erase),
        cmocka_unit_test(ctrl_bracket_twice_is_a_literal),
        cmocka_unit_test(ctrl_bracket_inside_a_command_is_ignored),
        cmocka_unit_test(esc_and_ctrl_c_cancel),
        cmocka_unit_test(arrow_key_cancels_and_its_sequence_is_swallowed),
        cmocka_unit_test(key_after_esc_that_starts_no_sequence_counts),
        cmocka_unit_test(control_and_non_ascii_keys_are_ignored_in_a_command),
        cmocka_unit_test(command_length_is_bounded),
        cmocka_unit_test(a_new_command_starts_empty),
    };
    return cmocka_run_group_tests_name("console_cmdline", tests, NULL, NULL);
}
