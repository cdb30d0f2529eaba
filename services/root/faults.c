/*
 * When a component crashes or ends: the crash is reported with the
 * component's name, what happened and where; everything it held goes back
 * to root (revoking its budget destroys every object made for it and every
 * capability it was given); and, if its scenario says restart, it is built
 * again from its program. A component that keeps crashing right away is not
 * restarted forever.
 */
#include "abi/ipc.h"
#include "abi/layout.h"
#include "c/print.h"
#include "root.h"

#define RESTART_LIMIT 5

static const char *access_kind(uint64_t esr)
{
    uint64_t ec = esr >> 26;
    if (ec == 0x20) {
        return "execute";
    }
    return (esr & (1u << 6)) ? "write" : "read";
}

static void describe(const struct component *c, const struct bt_msg *m, char *out, size_t n)
{
    uint64_t label = BT_TAG_LABEL(m->tag);
    uint64_t addr = m->mr[0], pc = m->mr[1], esr = m->mr[2];
    if (label == BT_FAULT_MEMORY) {
        const char *what = "bad memory access";
        if (addr < c->stack_bottom && addr >= c->stack_bottom - BT_PAGE_SIZE) {
            what = "stack overflow";
        } else if (addr < 0x10000) {
            what = "null pointer";
        }
        bt_snprintf(out, n, "%s: %s of address 0x%lx at pc 0x%lx", what, access_kind(esr), addr,
                    pc);
    } else if (label == BT_FAULT_UNDEFINED) {
        bt_snprintf(out, n, "undefined instruction at pc 0x%lx", pc);
    } else {
        bt_snprintf(out, n, "exception (syndrome 0x%lx) at pc 0x%lx", esr, pc);
    }
}

static void end(struct component *c)
{
    uint64_t used = budget_used(&c->budget);
    component_unbuild(c);
    bt_printf("root: %s's memory (%lu KiB used of %lu KiB) and capabilities are back with root\n",
              c->name, used / 1024, c->quota / 1024);
}

void fault_handle(struct component *c, const struct bt_msg *m)
{
    char what[160];
    describe(c, m, what, sizeof(what));
    bt_printf("root: component %s crashed: %s\n", c->name, what);
    end(c);
    if (!c->restart) {
        bt_printf("root: %s stays stopped\n", c->name);
        return;
    }
    if (++c->crashes > RESTART_LIMIT) {
        bt_printf("root: %s crashed %u times; not restarting it again\n", c->name, c->crashes - 1);
        return;
    }
    bt_printf("root: restarting %s\n", c->name);
    component_build(c);
}

void component_exit(struct component *c, int code)
{
    if (!c->is_loader) {
        bt_printf("root: %s ended (exit code %d)\n", c->name, code);
    }
    end(c);
}
