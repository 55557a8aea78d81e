/* iommufd-bridge: speaks the wire protocol (spec/protocol/wire-v1.schema.json)
 * on stdin/stdout and makes the real system calls in its own process, so the
 * conformance scenarios can run against the kernel of the machine it runs on.
 *
 * A request is answered ok exactly when it is valid against the schema;
 * anything else gets an errored reply and the bridge reads on. */
#define _GNU_SOURCE
#include "json.h"
#include "memory.h"
#include "process.h"
#include "vfio.h"

#include <linux/capability.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef BRIDGE_VERSION
#define BRIDGE_VERSION "0.1.0"
#endif
#ifndef MFD_CLOEXEC
#define MFD_CLOEXEC 1U
#endif

/* Addresses and lengths travel as u64 and are used as pointers and sizes. */
_Static_assert(sizeof(void *) == 8 && sizeof(size_t) == 8 && sizeof(off_t) == 8, "a 64-bit target");

#define LINE_CAP ((size_t)64 << 20)   /* longest request line accepted */
#define HEX_MAX 33554432              /* schema: maxLength of a hex string */
#define IO_MAX 16777216               /* schema: read/memRead length */
#define U32_MAX 4294967295LL
#define INPUT_CHUNK 65536             /* one read() of the protocol's input */

/* Forks between the first process and the current one (0: the first). */
static int depth;

/* ---- The bridge's own descriptors ------------------------------------- */

/* The protocol and the diagnostics live on descriptors near the top of the
 * table: the harness sees a process whose 0-2 are stdio and whose next fd is
 * 3, and nothing it closes or reads can cut the channel. */
static struct {
	int in, out, err, null, mem;
} own = { -1, -1, -1, -1, -1 };

static int own_base = 64;

static bool is_own(int64_t fd)
{
	return fd >= 0 && (fd == own.in || fd == own.out || fd == own.err || fd == own.null || fd == own.mem);
}

static void die(const char *what)
{
	dprintf(own.err >= 0 ? own.err : 2, "iommufd-bridge: %s: %s\n", what, strerror(errno));
	if (depth)
		_exit(1); /* a forked child leaves the exit handlers to the first process */
	exit(1);
}

/* Moves fd to the bridge's range (closing the original when asked). */
static int lift(int fd, bool close_old)
{
	int hi = fcntl(fd, F_DUPFD_CLOEXEC, own_base);

	if (hi < 0)
		die("cannot move a descriptor out of the way");
	if (close_old)
		close(fd);
	return hi;
}

static void pick_own_base(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rlim_t lim = rl.rlim_cur > 4096 ? 4096 : rl.rlim_cur;
		own_base = lim > 32 ? (int)lim - 8 : 3;
	}
}

static void setup_fds(void)
{
	int fd;

	pick_own_base();
	own.in = lift(0, false);
	own.out = lift(1, false);
	own.err = lift(2, false);
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		fd = (int)syscall(SYS_memfd_create, "null", MFD_CLOEXEC); /* an initramfs without /dev */
	if (fd < 0)
		die("cannot open /dev/null");
	own.null = lift(fd, true);
	if (dup2(own.null, 0) < 0 || dup2(own.null, 1) < 0)
		die("dup2");
	/* memRead/memWrite go through it; without /proc, process_vm_readv/writev. */
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd >= 0)
		own.mem = lift(fd, true);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void close_span(unsigned lo, unsigned hi)
{
	long max;

	if (lo > hi)
		return;
#ifdef SYS_close_range
	if (syscall(SYS_close_range, lo, hi, 0) == 0)
		return;
#endif
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > (1L << 20))
		max = 1L << 20;
	for (long fd = lo; fd <= (long)hi && fd < max; fd++)
		close((int)fd);
}

/* Every descriptor but the bridge's own goes, including any an ioctl made;
 * then 0-2 are stdio again, as in a fresh process. */
static void close_harness_fds(void)
{
	int keep[5] = { own.in, own.out, own.err, own.null, own.mem };
	unsigned lo = 0;

	qsort(keep, 5, sizeof keep[0], cmp_int);
	for (int i = 0; i < 5; i++) {
		if (keep[i] < 0)
			continue;
		if ((unsigned)keep[i] > lo)
			close_span(lo, (unsigned)keep[i] - 1);
		lo = (unsigned)keep[i] + 1;
	}
	close_span(lo, ~0U);
	if (dup2(own.null, 0) < 0 || dup2(own.null, 1) < 0 || dup2(own.err, 2) < 0)
		die("dup2");
}

/* ---- Processes ---------------------------------------------------------- */

/* How a forked child ended, as its parent learns it. */
enum child_end { END_NONE, END_EXIT, END_RESET, END_STOP, END_EOF };

/* Unread protocol input: the rest of the last read(). */
static struct {
	char buf[INPUT_CHUNK];
	size_t pos, len;
} input;

/* Memory shared by the bridge's processes (only one runs at a time): what a
 * child leaves its parent when it ends. A child that read past its last
 * line hands the bytes over, so nothing is lost or read twice. */
static struct handoff {
	enum child_end end;
	bool in_flight; /* the child had not yet answered seq */
	uint32_t seq;
	size_t left;
	char input[INPUT_CHUNK];
} *handoff;

static void setup_handoff(void)
{
	void *p = mmap(NULL, sizeof *handoff, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("cannot map the memory shared with forked children");
	handoff = p;
}

/* The current (forked) process ends and its parent reads on. */
static _Noreturn void child_end(enum child_end how)
{
	handoff->end = how;
	handoff->left = input.len - input.pos;
	memcpy(handoff->input, input.buf + input.pos, handoff->left);
	_exit(0);
}

/* In a new child: it dies with its parent (a killed bridge leaves no process
 * behind on the harness's pipes), and memRead/memWrite see its own memory. */
static void become_child(pid_t parent)
{
	int fd;

	depth++;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
		_exit(1);
	if (own.mem < 0)
		return;
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0 || dup3(fd, own.mem, O_CLOEXEC) < 0)
		die("cannot open the child's /proc/self/mem");
	close(fd);
}

/* ---- Requests ---------------------------------------------------------- */

struct buf {
	char *p;
	size_t n;
};

enum argkind { ARG_BYTES, ARG_ADDR, ARG_VALUE };

struct req {
	int64_t version, fd, request, length, events, timeout, prot, flags;
	uint64_t addr, len, offset, limit;
	struct buf bytes, str, vendor;
	enum argkind arg;
	uint64_t argval;
	struct buf argbytes;
	unsigned seen; /* bit i: the request has the cmd's field i */
};

struct result {
	const char *error; /* set: an errored reply with this message */
	const char *skipped; /* set: a skipped reply with this reason */
	bool silent;       /* no reply (another process gives it) */
	bool stop;         /* the session ends after the reply */
	bool other_seq;    /* the reply answers seq, an earlier request */
	uint32_t seq;
	enum child_end end; /* set: the current child ends after the reply */
	bool has_ret, has_bytes, has_addr, has_revents, is_start, has_vm;
	struct vm_status vm;
	int64_t ret;
	int err;
	const char *bytes;
	size_t nbytes;
	uint64_t addr;
	int revents;
	char *owned; /* freed once the reply is out */
};

enum ftype { F_INT, F_U64, F_HEX, F_STR, F_ARG };

/* The most fields a request has (mmap). */
#define MAX_FIELDS 5

struct field {
	const char *name;
	enum ftype type;
	size_t off;       /* where it goes in struct req */
	int64_t min, max; /* F_INT: range; F_STR: max characters */
	bool optional;
};

struct cmd {
	const char *name;
	void (*run)(const struct req *, struct result *);
	struct field fields[MAX_FIELDS];
};

static char errmsg[256];

static bool bad(const struct field *f, const char *what)
{
	snprintf(errmsg, sizeof errmsg, "field '%s' must be %s", f->name, what);
	return false;
}

/* ^0x[0-9a-f]{1,16}$ */
static bool parse_u64(const struct jval *v, uint64_t *out)
{
	uint64_t x = 0;

	if (v->type != J_STR || v->n < 3 || v->n > 18 || v->s[0] != '0' || v->s[1] != 'x')
		return false;
	for (size_t i = 2; i < v->n; i++) {
		char c = v->s[i];
		if (c >= '0' && c <= '9')
			x = x << 4 | (uint64_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			x = x << 4 | (uint64_t)(c - 'a' + 10);
		else
			return false;
	}
	*out = x;
	return true;
}

/* ^([0-9a-f]{2})*$, decoded in place. */
static bool parse_hex(const struct jval *v, struct buf *out)
{
	unsigned char *w = (unsigned char *)v->s;

	if (v->type != J_STR || v->n % 2 || v->n > HEX_MAX)
		return false;
	for (size_t i = 0; i < v->n; i += 2) {
		int d[2];
		for (int k = 0; k < 2; k++) {
			char c = v->s[i + (size_t)k];
			d[k] = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
			if (d[k] < 0)
				return false;
		}
		w[i / 2] = (unsigned char)(d[0] << 4 | d[1]);
	}
	*out = (struct buf){ v->s, v->n / 2 };
	return true;
}

/* Characters as JSON Schema counts them: code points (the bytes are valid UTF-8). */
static size_t code_points(const char *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += ((unsigned char)s[i] & 0xc0) != 0x80;
	return k;
}

static bool decode_arg(const struct field *f, const struct jval *v, struct req *r)
{
	const struct jmember *m;

	if (v->type != J_OBJ || !v->obj || v->obj->n != 1)
		return bad(f, "an object with exactly one of bytes, addr, value");
	m = &v->obj->m[0];
	if (m->klen == 5 && memcmp(m->key, "bytes", 5) == 0) {
		r->arg = ARG_BYTES;
		return parse_hex(&m->val, &r->argbytes) || bad(f, "{bytes: lowercase hex}");
	}
	if ((m->klen == 4 && memcmp(m->key, "addr", 4) == 0) || (m->klen == 5 && memcmp(m->key, "value", 5) == 0)) {
		r->arg = m->klen == 4 ? ARG_ADDR : ARG_VALUE;
		return parse_u64(&m->val, &r->argval) || bad(f, "{addr|value: 0x-prefixed lowercase hex, 1-16 digits}");
	}
	return bad(f, "an object with exactly one of bytes, addr, value");
}

static bool decode_field(const struct field *f, struct jval *v, struct req *r)
{
	char *slot = (char *)r + f->off;
	int64_t i;

	switch (f->type) {
	case F_INT:
		if (!jval_int(v, &i) || i < f->min || i > f->max) {
			char what[64];
			snprintf(what, sizeof what, "an integer in %" PRId64 "..%" PRId64, f->min, f->max);
			return bad(f, what);
		}
		memcpy(slot, &i, sizeof i);
		return true;
	case F_U64:
		return parse_u64(v, (uint64_t *)(void *)slot) || bad(f, "0x-prefixed lowercase hex, 1-16 digits");
	case F_HEX:
		return parse_hex(v, (struct buf *)(void *)slot) || bad(f, "lowercase hex bytes");
	case F_STR:
		if (v->type != J_STR || code_points(v->s, v->n) > (size_t)f->max) {
			char what[64];
			snprintf(what, sizeof what, "a string of at most %" PRId64 " characters", f->max);
			return bad(f, what);
		}
		v->s[v->n] = '\0'; /* over the closing quote: the syscalls want C strings */
		*(struct buf *)(void *)slot = (struct buf){ v->s, v->n };
		return true;
	case F_ARG:
		return decode_arg(f, v, r);
	}
	return false;
}

static const struct field *find_field(const struct cmd *c, const char *key, size_t klen)
{
	for (const struct field *f = c->fields; f < c->fields + MAX_FIELDS && f->name; f++)
		if (strlen(f->name) == klen && memcmp(f->name, key, klen) == 0)
			return f;
	return NULL;
}

/* Fills r from the request's members: no unknown field, none missing. */
static bool decode_request(const struct cmd *c, struct jobj *top, struct req *r)
{
	unsigned seen = 0;

	*r = (struct req){ .fd = -1 };
	for (size_t i = 0; i < top->n; i++) {
		struct jmember *m = &top->m[i];
		const struct field *f;
		if ((m->klen == 3 && memcmp(m->key, "seq", 3) == 0) || (m->klen == 3 && memcmp(m->key, "cmd", 3) == 0))
			continue;
		f = find_field(c, m->key, m->klen);
		if (!f) {
			snprintf(errmsg, sizeof errmsg, "unknown field '%.*s' for %s",
				 (int)(m->klen > 40 ? 40 : m->klen), m->key, c->name);
			return false;
		}
		if (!decode_field(f, &m->val, r))
			return false;
		seen |= 1u << (f - c->fields);
	}
	for (const struct field *f = c->fields; f < c->fields + MAX_FIELDS && f->name; f++) {
		if (!f->optional && !(seen & 1u << (f - c->fields))) {
			snprintf(errmsg, sizeof errmsg, "missing field '%s' for %s", f->name, c->name);
			return false;
		}
	}
	r->seen = seen;
	return true;
}

/* ---- Commands ---------------------------------------------------------- */

/* The outcome of a call returning -1 and errno on failure. */
static void sys(struct result *o, int64_t rc)
{
	o->has_ret = true;
	o->ret = rc < 0 ? -1 : rc;
	o->err = rc < 0 ? errno : 0;
	if (rc < 0 && (o->err <= 0 || o->err > 4095))
		o->err = EIO; /* cannot happen; keeps the reply in the schema */
}

static void fail_with(struct result *o, int e)
{
	errno = e;
	sys(o, -1);
}

/* An fd of the bridge itself looks closed to the harness. */
static bool guard_fd(const struct req *r, struct result *o)
{
	if (!is_own(r->fd))
		return false;
	fail_with(o, EBADF);
	return true;
}

static char *alloc_or_fail(size_t n, struct result *o)
{
	char *p = malloc(n ? n : 1);

	if (!p)
		o->error = "out of memory";
	return p;
}

static void cmd_start(const struct req *r, struct result *o)
{
	(void)r;
	o->is_start = true;
}

/* reset and stop in a forked child end it unanswered: its parent carries them out. */
static void cmd_reset(const struct req *r, struct result *o)
{
	(void)r;
	if (depth) {
		o->silent = true;
		o->end = END_RESET;
		return;
	}
	unmap_harness_memory();
	close_harness_fds();
}

static void cmd_stop(const struct req *r, struct result *o)
{
	(void)r;
	if (depth) {
		o->silent = true;
		o->end = END_STOP;
	}
	o->stop = true;
}

static void cmd_open(const struct req *r, struct result *o)
{
	if (memchr(r->str.p, '\0', r->str.n)) {
		o->error = "path holds a NUL byte";
		return;
	}
	sys(o, open(r->str.p, O_RDWR));
}

static void cmd_close(const struct req *r, struct result *o)
{
	if (!guard_fd(r, o))
		sys(o, close((int)r->fd));
}

/* arg.bytes go at the start of fresh whole pages followed by a PROT_NONE
 * page: the kernel reads zeros after them up to the page end, and EFAULT
 * past it, whatever lies around the bridge's heap. */
static void ioctl_bytes(const struct req *r, struct result *o)
{
	size_t n = r->argbytes.n, body = n ? (n + page_size - 1) / page_size * page_size : page_size;
	char *m = mmap(NULL, body + page_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int rc, e;

	if (m == MAP_FAILED) {
		o->error = "cannot map the ioctl argument";
		return;
	}
	if (mprotect(m + body, page_size, PROT_NONE) != 0) {
		munmap(m, body + page_size);
		o->error = "cannot protect the guard page";
		return;
	}
	memcpy(m, r->argbytes.p, n);
	rc = ioctl((int)r->fd, (unsigned long)r->request, m);
	e = errno;
	memcpy(r->argbytes.p, m, n); /* read back over the request's own bytes */
	munmap(m, body + page_size);
	errno = e;
	sys(o, rc);
	o->has_bytes = true;
	o->bytes = r->argbytes.p;
	o->nbytes = n;
}

static void cmd_ioctl(const struct req *r, struct result *o)
{
	if (guard_fd(r, o)) {
		if (r->arg == ARG_BYTES) {
			o->has_bytes = true;
			o->bytes = r->argbytes.p;
			o->nbytes = r->argbytes.n;
		}
		return;
	}
	if (r->arg == ARG_BYTES)
		ioctl_bytes(r, o);
	else
		sys(o, ioctl((int)r->fd, (unsigned long)r->request, (unsigned long)r->argval));
}

/* The field numbers of read and write's optional members (their CMDS rows). */
enum { READ_ADDR = 2, READ_OFFSET = 3, WRITE_BYTES = 1, WRITE_ADDR = 2, WRITE_LENGTH = 3, WRITE_OFFSET = 4 };
#define HAS(r, i) (((r)->seen >> (i)) & 1u)

/* read, or pread with offset; into the caller's memory at addr when given
 * (no bytes in the reply), else into a buffer of the bridge's own. */
static void cmd_read(const struct req *r, struct result *o)
{
	char *p;
	ssize_t k;
	bool own_buf = !HAS(r, READ_ADDR);

	if (guard_fd(r, o))
		return;
	if (own_buf) {
		if (!(p = alloc_or_fail((size_t)r->length, o)))
			return;
		o->owned = p;
	} else {
		uintptr_t lo, hi;

		/* The kernel writes there: never into the bridge's own memory. */
		if (r->length && page_span(r->addr, (uint64_t)r->length, &lo, &hi) && !harness_may_touch(lo, hi)) {
			o->error = "the range holds memory the bridge did not map for the harness";
			return;
		}
		p = (char *)(uintptr_t)r->addr;
	}
	if (HAS(r, READ_OFFSET))
		k = pread((int)r->fd, p, (size_t)r->length, (off_t)r->offset);
	else
		k = read((int)r->fd, p, (size_t)r->length);
	sys(o, k);
	if (k >= 0 && own_buf) {
		o->has_bytes = true;
		o->bytes = p;
		o->nbytes = (size_t)k;
	}
}

/* write (pwrite with offset) of the request's bytes, or of length bytes of
 * the caller's memory at addr. */
static void cmd_write(const struct req *r, struct result *o)
{
	const char *p = r->bytes.p;
	size_t n = r->bytes.n;

	if (HAS(r, WRITE_BYTES) == HAS(r, WRITE_ADDR) || HAS(r, WRITE_ADDR) != HAS(r, WRITE_LENGTH)) {
		o->error = "write takes bytes, or addr and length";
		return;
	}
	if (guard_fd(r, o))
		return;
	if (HAS(r, WRITE_ADDR)) {
		p = (const char *)(uintptr_t)r->addr;
		n = (size_t)r->length;
	}
	if (HAS(r, WRITE_OFFSET))
		sys(o, pwrite((int)r->fd, p, n, (off_t)r->offset));
	else
		sys(o, write((int)r->fd, p, n));
}

static void cmd_poll(const struct req *r, struct result *o)
{
	struct pollfd p = { (int)r->fd, (short)r->events, 0 };
	int rc;

	if (is_own(r->fd)) {
		/* What poll says of a descriptor that is not open. */
		o->has_ret = o->has_revents = true;
		o->ret = 1;
		o->revents = POLLNVAL;
		return;
	}
	rc = poll(&p, 1, (int)r->timeout);
	sys(o, rc);
	if (rc >= 0) {
		o->has_revents = true;
		o->revents = (unsigned short)p.revents;
	}
}

/* The default huge page size of x86-64: a hugetlb mapping covers whole ones. */
#define HUGE_PAGE_SIZE (2UL << 20)

static void cmd_mmap(const struct req *r, struct result *o)
{
	bool anon = r->fd < 0, huge = r->flags & MAP_HUGETLB;
	uint64_t len = r->len;
	void *a;
	uintptr_t lo, hi;

	if (!anon && guard_fd(r, o))
		return;
	if ((r->flags & ~(int64_t)(MAP_HUGETLB | MAP_PRIVATE)) || (huge && !anon)) {
		o->error = "flags may only be MAP_PRIVATE, and MAP_HUGETLB for anonymous memory";
		return;
	}
	/* The kernel rounds a hugetlb length up; so does the record of it. */
	if (huge && len && len <= UINT64_MAX - HUGE_PAGE_SIZE)
		len = (len + HUGE_PAGE_SIZE - 1) & ~(uint64_t)(HUGE_PAGE_SIZE - 1);
	a = mmap(NULL, (size_t)r->len, (int)r->prot,
		 anon ? MAP_PRIVATE | MAP_ANONYMOUS | (huge ? MAP_HUGETLB : 0) :
			(r->flags & MAP_PRIVATE) ? MAP_PRIVATE : MAP_SHARED,
		 anon ? -1 : (int)r->fd, (off_t)r->offset);
	if (a == MAP_FAILED) {
		sys(o, -1);
		return;
	}
	if (!page_span((uintptr_t)a, len, &lo, &hi) || !maps_add(lo, hi)) {
		munmap(a, (size_t)len); /* untracked memory would outlive reset */
		fail_with(o, ENOMEM);
		return;
	}
	sys(o, 0);
	o->has_addr = true;
	o->addr = (uintptr_t)a;
}

/* For munmap/mprotect of [addr, addr+len): whether the call may go ahead.
 * Misaligned, empty or wrapping ranges go to the kernel as they are: it
 * refuses them without touching anything. */
static bool range_allowed(const struct req *r, struct result *o, uintptr_t *lo, uintptr_t *hi)
{
	if (r->addr % page_size || !page_span(r->addr, r->len, lo, hi)) {
		*lo = *hi = 0;
		return true;
	}
	if (harness_may_touch(*lo, *hi))
		return true;
	o->error = "the range holds memory the bridge did not map for the harness";
	return false;
}

static void cmd_munmap(const struct req *r, struct result *o)
{
	uintptr_t lo, hi;
	int rc;

	if (!range_allowed(r, o, &lo, &hi))
		return;
	rc = munmap((void *)(uintptr_t)r->addr, (size_t)r->len);
	sys(o, rc);
	if (rc == 0 && lo < hi && !maps_del(lo, hi))
		o->error = "out of memory tracking mappings";
}

static void cmd_mprotect(const struct req *r, struct result *o)
{
	uintptr_t lo, hi;

	if (range_allowed(r, o, &lo, &hi))
		sys(o, mprotect((void *)(uintptr_t)r->addr, (size_t)r->len, (int)r->prot));
}

static void cmd_mem_read(const struct req *r, struct result *o)
{
	char *p = alloc_or_fail((size_t)r->length, o);

	if (!p)
		return;
	o->owned = p;
	if (!mem_io_forced(false, p, (size_t)r->length, r->addr)) {
		fail_with(o, EFAULT);
		return;
	}
	sys(o, r->length);
	o->has_bytes = true;
	o->bytes = p;
	o->nbytes = (size_t)r->length;
}

static void cmd_mem_write(const struct req *r, struct result *o)
{
	uintptr_t lo, hi;

	if (r->bytes.n && page_span(r->addr, r->bytes.n, &lo, &hi) && !harness_may_touch(lo, hi)) {
		o->error = "the range holds memory the bridge did not map for the harness";
		return;
	}
	if (mem_io_forced(true, r->bytes.p, r->bytes.n, r->addr))
		sys(o, (int64_t)r->bytes.n);
	else
		fail_with(o, EFAULT);
}

static void cmd_memfd_create(const struct req *r, struct result *o)
{
	if (memchr(r->str.p, '\0', r->str.n)) {
		o->error = "name holds a NUL byte";
		return;
	}
#ifdef SYS_memfd_create
	sys(o, syscall(SYS_memfd_create, r->str.p, MFD_CLOEXEC));
#else
	fail_with(o, ENOSYS);
#endif
}

static void cmd_ftruncate(const struct req *r, struct result *o)
{
	if (guard_fd(r, o))
		return;
	if (r->len > INT64_MAX)
		fail_with(o, EINVAL); /* what the kernel says of a negative length */
	else
		sys(o, ftruncate((int)r->fd, (off_t)r->len));
}

static void cmd_proc_status(const struct req *r, struct result *o)
{
	bool parent = r->str.p && strcmp(r->str.p, "parent") == 0;

	if (r->str.p && !parent && strcmp(r->str.p, "self") != 0) {
		o->error = "field 'of' must be self or parent";
		return;
	}
	if (parent && !depth) {
		fail_with(o, ECHILD); /* the first process's parent is not the bridge's */
		return;
	}
	sys(o, read_vm_status(parent ? getppid() : getpid(), &o->vm));
	o->has_vm = o->ret == 0;
}

static void cmd_set_memlock_limit(const struct req *r, struct result *o)
{
	sys(o, set_memlock_limit(r->limit));
}

static void cmd_drop_cap_ipc_lock(const struct req *r, struct result *o)
{
	(void)r;
	sys(o, drop_cap(CAP_IPC_LOCK));
}

static void cmd_drop_cap_sys_resource(const struct req *r, struct result *o)
{
	(void)r;
	sys(o, drop_cap(CAP_SYS_RESOURCE));
}

static void cmd_drop_cap_sys_rawio(const struct req *r, struct result *o)
{
	(void)r;
	sys(o, drop_cap(CAP_SYS_RAWIO));
}

static void cmd_phys_addr(const struct req *r, struct result *o)
{
	uint64_t phys = 0;

	sys(o, phys_addr(r->addr, &phys));
	o->has_addr = o->ret == 0;
	o->addr = phys;
}

/* The 2020 IOMMU UAPI was an in-kernel API for VFIO ioctls that were never
 * merged: no released kernel lets a process reach it, so the bridge knows the
 * request and skips it. */
static const char *const LEGACY_OPS[] = {
	"cache_invalidate", "sva_bind_gpasid", "sva_unbind_gpasid",
	"page_response", "report_device_fault", "nesting_features",
};

static bool one_of(const struct buf *b, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(names[i]) == b->n && memcmp(names[i], b->p, b->n) == 0)
			return true;
	return false;
}

static void cmd_legacy_uapi(const struct req *r, struct result *o)
{
	static const char *const vendors[] = { "mock", "bare" };

	if (!one_of(&r->str, LEGACY_OPS, sizeof LEGACY_OPS / sizeof LEGACY_OPS[0]))
		o->error = "field 'op' must name a legacyUapi operation";
	else if (r->vendor.p && !one_of(&r->vendor, vendors, 2))
		o->error = "field 'vendor' must be mock or bare";
	else if (r->arg == ARG_VALUE)
		o->error = "field 'arg' must hold bytes or addr";
	else
		o->skipped = "not applicable: the 2020 IOMMU UAPI was never reachable from user space in a released kernel";
}

static void cmd_exit_child(const struct req *r, struct result *o)
{
	(void)r;
	if (!depth) {
		fail_with(o, ECHILD);
		return;
	}
	sys(o, 0);
	o->end = END_EXIT;
}

/* The parent again, after its child ended: it answers what the child left
 * unanswered (reset and stop, carried out here or passed further up; a
 * request the child died on) and reads on where the child stopped. */
static void resume(const struct req *r, struct result *o, pid_t pid, int status)
{
	/* Only child_end exits with 0; anything else leaves the page as it was. */
	enum child_end how = WIFEXITED(status) && WEXITSTATUS(status) == 0 ? handoff->end : END_NONE;

	/* The child consumed the input the parent had read: none of it is read twice. */
	input.pos = 0;
	input.len = how == END_NONE ? 0 : handoff->left;
	memcpy(input.buf, handoff->input, input.len);
	if (how == END_EXIT)
		return;
	if (how != END_NONE && depth)
		child_end(how);
	o->silent = false;
	o->other_seq = true;
	o->seq = handoff->seq;
	if (how == END_RESET) {
		cmd_reset(r, o);
	} else if (how == END_STOP || how == END_EOF) {
		o->silent = how == END_EOF;
		o->stop = true;
	} else if (handoff->in_flight) {
		snprintf(errmsg, sizeof errmsg, "the forked child %d died (%s %d); its parent is current again", (int)pid,
			 WIFSIGNALED(status) ? "signal" : "exit status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		o->error = errmsg;
	} else {
		o->silent = true;
		dprintf(own.err, "iommufd-bridge: the forked child %d died between requests; its parent is current again\n", (int)pid);
	}
}

/* The child answers fork (its pid) and serves from here on; the parent
 * waits for it to end. */
static void cmd_fork(const struct req *r, struct result *o)
{
	pid_t parent = getpid(), pid;
	int status;

	handoff->end = END_NONE;
	handoff->left = 0;
	pid = fork();
	if (pid < 0) {
		sys(o, -1);
		return;
	}
	if (pid == 0) {
		become_child(parent);
		sys(o, getpid());
		return;
	}
	o->silent = true;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid");
	resume(r, o, pid, status);
}

#define OFF(m) offsetof(struct req, m)
#define FD { "fd", F_INT, OFF(fd), -1, 2147483647, false }

/* The request schemas of wire-v1, one row per cmd. */
static const struct cmd CMDS[] = {
	{ "start", cmd_start, { { "version", F_INT, OFF(version), 1, 1, false } } },
	{ "reset", cmd_reset, { { 0 } } },
	{ "stop", cmd_stop, { { 0 } } },
	{ "open", cmd_open, { { "path", F_STR, OFF(str), 0, 4096, false } } },
	{ "close", cmd_close, { FD } },
	{ "ioctl", cmd_ioctl, { FD, { "request", F_INT, OFF(request), 0, U32_MAX, false }, { "arg", F_ARG, 0, 0, 0, false } } },
	{ "read", cmd_read, { FD, { "length", F_INT, OFF(length), 0, IO_MAX, false },
			      { "addr", F_U64, OFF(addr), 0, 0, true }, { "offset", F_U64, OFF(offset), 0, 0, true } } },
	{ "write", cmd_write, { FD, { "bytes", F_HEX, OFF(bytes), 0, 0, true }, { "addr", F_U64, OFF(addr), 0, 0, true },
				{ "length", F_INT, OFF(length), 0, IO_MAX, true }, { "offset", F_U64, OFF(offset), 0, 0, true } } },
	{ "poll", cmd_poll, { FD, { "events", F_INT, OFF(events), 0, 65535, false },
			      { "timeoutMs", F_INT, OFF(timeout), 0, 60000, false } } },
	{ "mmap", cmd_mmap, { { "length", F_U64, OFF(len), 0, 0, false }, { "prot", F_INT, OFF(prot), 0, 7, false },
			      { "fd", F_INT, OFF(fd), -1, 2147483647, true }, { "offset", F_U64, OFF(offset), 0, 0, true },
			      { "flags", F_INT, OFF(flags), 0, MAP_HUGETLB | MAP_PRIVATE, true } } },
	{ "munmap", cmd_munmap, { { "addr", F_U64, OFF(addr), 0, 0, false }, { "length", F_U64, OFF(len), 0, 0, false } } },
	{ "mprotect", cmd_mprotect, { { "addr", F_U64, OFF(addr), 0, 0, false }, { "length", F_U64, OFF(len), 0, 0, false },
				      { "prot", F_INT, OFF(prot), 0, 7, false } } },
	{ "memRead", cmd_mem_read, { { "addr", F_U64, OFF(addr), 0, 0, false }, { "length", F_INT, OFF(length), 0, IO_MAX, false } } },
	{ "memWrite", cmd_mem_write, { { "addr", F_U64, OFF(addr), 0, 0, false }, { "bytes", F_HEX, OFF(bytes), 0, 0, false } } },
	{ "memfdCreate", cmd_memfd_create, { { "name", F_STR, OFF(str), 0, 249, false } } },
	{ "ftruncate", cmd_ftruncate, { FD, { "length", F_U64, OFF(len), 0, 0, false } } },
	{ "procStatus", cmd_proc_status, { { "of", F_STR, OFF(str), 0, 6, true } } },
	{ "setMemlockLimit", cmd_set_memlock_limit, { { "limit", F_U64, OFF(limit), 0, 0, false } } },
	{ "dropCapIpcLock", cmd_drop_cap_ipc_lock, { { 0 } } },
	{ "dropCapSysResource", cmd_drop_cap_sys_resource, { { 0 } } },
	{ "dropCapSysRawio", cmd_drop_cap_sys_rawio, { { 0 } } },
	{ "fork", cmd_fork, { { 0 } } },
	{ "exitChild", cmd_exit_child, { { 0 } } },
	{ "physAddr", cmd_phys_addr, { { "addr", F_U64, OFF(addr), 0, 0, false } } },
	{ "legacyUapi", cmd_legacy_uapi, { { "op", F_STR, OFF(str), 0, 32, false }, { "vendor", F_STR, OFF(vendor), 0, 8, true },
					   { "arg", F_ARG, 0, 0, 0, false } } },
};

/* ---- Replies ----------------------------------------------------------- */

static struct obuf out;

static void send_out(const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(own.out, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die("cannot write a reply"); /* the harness has gone */
		p += k;
		n -= (size_t)k;
	}
}

static void send_reply(uint32_t seq)
{
	if (out.oom) {
		char tmp[96];
		int n = snprintf(tmp, sizeof tmp, "{\"seq\":%" PRIu32 ",\"errored\":{\"message\":\"out of memory\"}}\n", seq);
		send_out(tmp, (size_t)n);
	} else {
		send_out(out.p, out.n);
	}
	out.n = 0;
	out.oom = false;
	if (out.cap > ((size_t)4 << 20)) { /* give a large reply's memory back */
		free(out.p);
		out = (struct obuf){ 0 };
	}
}

static void reply_head(uint32_t seq, const char *kind)
{
	ob_lit(&out, "{\"seq\":");
	ob_int(&out, seq);
	ob_lit(&out, ",\"");
	ob_lit(&out, kind);
	ob_lit(&out, "\":{");
}

static void reply_errored(uint32_t seq, const char *message)
{
	reply_head(seq, "errored");
	ob_lit(&out, "\"message\":");
	ob_str(&out, message, strlen(message));
	ob_lit(&out, "}}\n");
	send_reply(seq);
}

static void reply_skipped(uint32_t seq, const char *reason)
{
	reply_head(seq, "skipped");
	ob_lit(&out, "\"reason\":");
	ob_str(&out, reason, strlen(reason));
	ob_lit(&out, "}}\n");
	send_reply(seq);
}

static void key(bool *first, const char *name)
{
	ob_lit(&out, *first ? "\"" : ",\"");
	ob_lit(&out, name);
	ob_lit(&out, "\":");
	*first = false;
}

/* "6.18" from a release such as "6.18.44-foo"; "0.0" if it does not parse. */
static void kernel_version(char *dst, size_t size)
{
	struct utsname u;
	size_t a = 0, b;

	if (uname(&u) == 0) {
		const char *s = u.release;
		while (a < 9 && s[a] >= '0' && s[a] <= '9')
			a++;
		b = a + 1;
		while (a && s[a] == '.' && b < a + 10 && s[b] >= '0' && s[b] <= '9')
			b++;
		if (a && s[a] == '.' && b > a + 1) {
			snprintf(dst, size, "%.*s", (int)b, s);
			return;
		}
	}
	snprintf(dst, size, "0.0");
}

static void put_start(void)
{
	char kernel[32], reason[160], noiommu[300];
	bool first = true, available;
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	available = fd >= 0;
	if (available)
		close(fd);
	else
		snprintf(reason, sizeof reason, "/dev/iommu: %s", strerror(errno));
	kernel_version(kernel, sizeof kernel);
	key(&first, "name");
	ob_str(&out, "iommufd-bridge", 14);
	key(&first, "version");
	ob_str(&out, BRIDGE_VERSION, strlen(BRIDGE_VERSION));
	key(&first, "protocol");
	ob_lit(&out, "1");
	key(&first, "kernel");
	ob_str(&out, kernel, strlen(kernel));
	key(&first, "available");
	ob_lit(&out, available ? "true" : "false");
	key(&first, "pageSize");
	ob_int(&out, (int64_t)page_size);
	if (!available) {
		key(&first, "reason");
		ob_str(&out, reason, strlen(reason));
	}
	key(&first, "processOps");
	ob_lit(&out, "[\"procStatus\",\"setMemlockLimit\",\"dropCapIpcLock\",\"dropCapSysResource\",\"dropCapSysRawio\",\"fork\",\"exitChild\",\"physAddr\"]");
	if (noiommu_device(noiommu, sizeof noiommu)) {
		key(&first, "noiommuDevice");
		ob_str(&out, noiommu, strlen(noiommu));
	}
}

static void reply_ok(uint32_t seq, const struct result *o)
{
	bool first = true;

	reply_head(seq, "ok");
	if (o->has_ret) {
		key(&first, "ret");
		ob_int(&out, o->ret);
		key(&first, "errno");
		ob_int(&out, o->err);
	}
	if (o->has_bytes) {
		key(&first, "bytes");
		ob_hex(&out, (const unsigned char *)o->bytes, o->nbytes);
	}
	if (o->has_addr) {
		key(&first, "addr");
		ob_u64(&out, o->addr);
	}
	if (o->has_revents) {
		key(&first, "revents");
		ob_int(&out, o->revents);
	}
	if (o->has_vm && o->vm.has_pinned) {
		key(&first, "vmPinnedKb");
		ob_int(&out, o->vm.pinned_kb);
	}
	if (o->has_vm && o->vm.has_locked) {
		key(&first, "vmLockedKb");
		ob_int(&out, o->vm.locked_kb);
	}
	if (o->is_start) {
		key(&first, "start");
		ob_lit(&out, "{");
		put_start();
		ob_lit(&out, "}");
	}
	ob_lit(&out, "}}\n");
	send_reply(seq);
}

/* ---- The line loop ----------------------------------------------------- */

/* seq if the request carries a valid one (even when the rest is bad), else 0. */
static bool get_seq(const struct jdoc *doc, uint32_t *seq)
{
	const struct jval *v = jobj_get(&doc->top, "seq");
	int64_t i;

	if (!v || !jval_int(v, &i) || i < 0 || i > U32_MAX)
		return false;
	*seq = (uint32_t)i;
	return true;
}

static const struct cmd *find_cmd(const struct jval *v)
{
	for (size_t i = 0; i < sizeof CMDS / sizeof CMDS[0]; i++)
		if (strlen(CMDS[i].name) == v->n && memcmp(CMDS[i].name, v->s, v->n) == 0)
			return &CMDS[i];
	return NULL;
}

/* One request line: exactly one reply. Returns false after stop. */
static bool handle_line(char *line, size_t n)
{
	static struct jdoc doc;
	uint32_t seq = 0;
	bool have_seq, parsed = json_parse(line, n, &doc);
	const struct jval *cv;
	const struct cmd *c;
	struct req r;
	struct result o = { 0 };

	have_seq = get_seq(&doc, &seq);
	if (!parsed) {
		reply_errored(seq, doc.err);
		return true;
	}
	if (!have_seq) {
		reply_errored(0, jobj_get(&doc.top, "seq") ? "field 'seq' must be an integer in 0..4294967295"
							   : "missing field 'seq'");
		return true;
	}
	cv = jobj_get(&doc.top, "cmd");
	if (!cv || cv->type != J_STR) {
		reply_errored(seq, cv ? "field 'cmd' must be a string" : "missing field 'cmd'");
		return true;
	}
	c = find_cmd(cv);
	if (!c) {
		snprintf(errmsg, sizeof errmsg, "unknown cmd '%.*s'", (int)(cv->n > 40 ? 40 : cv->n), cv->s);
		reply_errored(seq, errmsg);
		return true;
	}
	if (!decode_request(c, &doc.top, &r)) {
		reply_errored(seq, errmsg);
		return true;
	}
	handoff->in_flight = true;
	handoff->seq = seq;
	c->run(&r, &o);
	if (o.other_seq)
		seq = o.seq;
	/* Cleared before the reply goes out: a parent never answers twice
	 * (a child killed in between leaves the request unanswered). */
	handoff->in_flight = false;
	if (o.error)
		reply_errored(seq, o.error);
	else if (o.skipped)
		reply_skipped(seq, o.skipped);
	else if (!o.silent)
		reply_ok(seq, &o);
	free(o.owned);
	if (o.end)
		child_end(o.end);
	return !o.stop;
}

/* The line being read: it grows to LINE_CAP, past which the rest of the
 * line is dropped and answered with an error. */
static struct {
	char *p;
	size_t n, cap;
	bool too_long, oom;
} line;

static void line_append(const char *p, size_t n)
{
	if (line.too_long || line.oom || n == 0)
		return;
	if (n > LINE_CAP - line.n) {
		line.too_long = true;
		return;
	}
	if (!line.p || line.cap - line.n < n) {
		size_t cap = line.cap ? line.cap : 65536;
		while (cap - line.n < n)
			cap *= 2;
		char *q = realloc(line.p, cap);
		if (!q) {
			line.oom = true;
			return;
		}
		line.p = q;
		line.cap = cap;
	}
	memcpy(line.p + line.n, p, n);
	line.n += n;
}

static bool line_end(void)
{
	static char empty[1];
	bool go_on = true;

	if (line.too_long)
		reply_errored(0, "line longer than 64 MiB");
	else if (line.oom)
		reply_errored(0, "out of memory reading the line");
	else
		go_on = handle_line(line.p ? line.p : empty, line.n);
	line.n = 0;
	line.too_long = line.oom = false;
	if (line.cap > ((size_t)4 << 20)) {
		free(line.p);
		line.p = NULL;
		line.cap = 0;
	}
	return go_on;
}

/* Reads more input when all is used; false at its end. */
static bool fill_input(void)
{
	while (input.pos == input.len) {
		ssize_t got = read(own.in, input.buf, sizeof input.buf);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0)
			die("cannot read a request");
		if (got == 0)
			return false;
		input.pos = 0;
		input.len = (size_t)got;
	}
	return true;
}

int main(void)
{
	long ps = sysconf(_SC_PAGESIZE);

	signal(SIGPIPE, SIG_IGN); /* a harness write to a closed pipe gets EPIPE */
	setup_fds();
	setup_handoff();
	memory_setup(ps > 0 ? (size_t)ps : 4096, own.mem);
	/* A request is handled with the input past its line unread (input.pos
	 * beyond its newline): fork and the end of a child move that input on. */
	while (fill_input()) {
		char *p = input.buf + input.pos, *nl = memchr(p, '\n', input.len - input.pos);
		size_t seg = nl ? (size_t)(nl - p) : input.len - input.pos;
		line_append(p, seg);
		input.pos += seg;
		if (!nl)
			continue;
		input.pos++;
		if (!line_end())
			return 0;
	}
	/* End of input: a last line without its newline is still a request. */
	if (line.n || line.too_long || line.oom)
		if (!line_end())
			return 0;
	if (depth)
		child_end(END_EOF);
	return 0;
}
