/*
 * Host tests of the port parameter parser: the strings the loader passes,
 * and the malformed ones a broken or hostile scenario could carry.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net/params.h"

static struct net_params p;
static const char *why;

static void empty_parameters_mean_no_mac_and_no_peers(void **state)
{
    (void)state;
    assert_true(net_params_parse("", &p, &why));
    assert_false(p.has_mac);
    assert_false(p.has_peers);
    assert_true(net_params_parse(NULL, &p, &why));
}

static void mac_and_peers_are_parsed(void **state)
{
    (void)state;
    assert_true(net_params_parse("mac=52:54:00:Ab:cD:0f peers=alice,uplink", &p, &why));
    assert_true(p.has_mac);
    static const uint8_t want[] = {0x52, 0x54, 0x00, 0xab, 0xcd, 0x0f};
    assert_memory_equal(p.mac, want, 6);
    assert_true(p.has_peers);
    assert_int_equal(p.peer_count, 2);
    assert_string_equal(p.peers[0], "alice");
    assert_string_equal(p.peers[1], "uplink");
}

static void block_device_words_are_skipped(void **state)
{
    (void)state;
    assert_true(net_params_parse("ro partition=2 range=0x0+0x200 mac=52:54:00:00:00:07", &p, &why));
    assert_true(p.has_mac);
    assert_int_equal(p.mac[5], 7);
    assert_false(p.has_peers);
}

static void extra_spaces_are_tolerated(void **state)
{
    (void)state;
    assert_true(net_params_parse("  peers=a   mac=02:00:00:00:00:01 ", &p, &why));
    assert_true(p.has_mac);
    assert_int_equal(p.peer_count, 1);
}

static void malformed_macs_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "mac=",
        "mac=52:54:00:00:00",
        "mac=52:54:00:00:00:0",
        "mac=52:54:00:00:00:001",
        "mac=52-54-00-00-00-01",
        "mac=52:54:00:00:00:0g",
        "mac=5:254:00:00:00:01",
        "mac=01:00:5e:00:00:01", /* multicast */
        "mac=ff:ff:ff:ff:ff:ff",
        "mac=00:00:00:00:00:00",
        "mac=52:54:00:00:00:01 mac=52:54:00:00:00:02",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(net_params_parse(bad[i], &p, &why));
        assert_true(strlen(why) > 0);
    }
}

static void malformed_peers_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {
        "peers=",
        "peers=a,,b",
        "peers=,a",
        "peers=a,",
        "peers=abcdefghijklmnopqrstuvwx", /* 24 bytes */
        "peers=a peers=b",
        "peers=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_false(net_params_parse(bad[i], &p, &why));
    }
    assert_true(net_params_parse("peers=abcdefghijklmnopqrstuvw", &p, &why)); /* 23 */
    assert_true(net_params_parse("peers=a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p", &p, &why));
    assert_int_equal(p.peer_count, 16);
}

static void a_string_without_end_is_refused(void **state)
{
    (void)state;
    char *s = malloc(NET_PARAMS_MAX);
    memset(s, 'x', NET_PARAMS_MAX);
    assert_false(net_params_parse(s, &p, &why));
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(empty_parameters_mean_no_mac_and_no_peers),
        cmocka_unit_test(mac_and_peers_are_parsed),
        cmocka_unit_test(block_device_words_are_skipped),
        cmocka_unit_test(extra_spaces_are_tolerated),
        cmocka_unit_test(malformed_macs_are_refused),
        cmocka_unit_test(malformed_peers_are_refused),
        cmocka_unit_test(a_string_without_end_is_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
