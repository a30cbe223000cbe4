/* test_pcap.c - a run's pcap files as Wireshark reads them (issue 15):
 * every frame is a well-formed IPv4 or IPv6 packet whose length fields
 * cover the whole frame, with right IP and L4 checksums (checked here by an
 * implementation of RFC 1071 of the test's own); control messages are UDP
 * datagrams on their documented ports (routing 7179, heartbeats 7180, BFD
 * control packets per RFC 5880 on 3784, TTL 255); TCP sequence numbers
 * follow each flow's payload (no frame looks like a retransmission);
 * pcap-index.csv names every file once.  Where tshark is installed
 * (scripts/setup installs it), it reads the merged capture and must find
 * no malformed frame, no expert error and no bad checksum. */
#define _POSIX_C_SOURCE 200809L
#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../cu_main.h"
#include "cli_spawn.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) << 16 | rd16(p + 2);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* RFC 1071: the one's-complement sum of n bytes added to sum. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += rd16(p + i);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* What the frames of one run held. */
struct census {
	unsigned frames, data, tcp_syn, routing, heartbeat, bfd, bad;
	GHashTable *last; /* "file/flow" -> packed (tcp seq, trailer seq) of the flow's last frame */
};

static void bad(struct census *c, const char *file, unsigned frame, const char *what)
{
	if (c->bad++ < 10)
		fprintf(stderr, "\n%s frame %u: %s", file, frame, what);
}

/* One IP packet of len bytes (the frame without its PPP header). */
static void check_packet(struct census *c, const char *file, unsigned frame, const uint8_t *ip, size_t len,
			 unsigned ppp_proto)
{
	unsigned version = len ? ip[0] >> 4 : 0;
	if ((ppp_proto == 0x0021 && version != 4) || (ppp_proto == 0x0057 && version != 6) ||
	    (ppp_proto != 0x0021 && ppp_proto != 0x0057)) {
		bad(c, file, frame, "PPP protocol and IP version disagree");
		return;
	}
	size_t hl = version == 4 ? (size_t)(ip[0] & 0x0f) * 4 : 40;
	size_t total = version == 4 ? rd16(ip + 2) : 40 + (size_t)rd16(ip + 4);
	if (len < hl + 8 || total != len) {
		bad(c, file, frame, "IP length does not cover the frame");
		return;
	}
	if (version == 4 && fold(sum16(0, ip, hl)) != 0xffff)
		bad(c, file, frame, "bad IPv4 header checksum");
	unsigned proto = version == 4 ? ip[9] : ip[6];
	unsigned ttl = version == 4 ? ip[8] : ip[7];
	size_t alen = version == 4 ? 4 : 16;
	const uint8_t *src = version == 4 ? ip + 12 : ip + 8;
	const uint8_t *l4 = ip + hl;
	size_t l4len = total - hl;
	uint32_t pseudo = sum16(sum16(0, src, alen), src + alen, alen) + proto + (uint32_t)l4len;
	if (proto != 6 && proto != 17) {
		bad(c, file, frame, "neither TCP nor UDP");
		return;
	}
	if (fold(sum16(pseudo, l4, l4len)) != 0xffff)
		bad(c, file, frame, "bad L4 checksum");
	uint16_t dport = rd16(l4 + 2);
	if (proto == 17 && rd16(l4 + 4) != l4len)
		bad(c, file, frame, "UDP length does not cover the datagram");
	if (proto == 17 && (dport == 7179 || dport == 7180 || dport == 3784)) {
		const uint8_t *p = l4 + 8;
		if (version != 4 || ttl != 255)
			bad(c, file, frame, "control datagram not IPv4 with TTL 255");
		if (dport == 3784) {
			c->bfd++;
			/* RFC 5880 4.1: version 1, state Up, length 24, discriminators set */
			if (p[0] >> 5 != 1 || p[1] >> 6 != 3 || p[3] != 24 || p[2] == 0 || rd32(p + 4) == 0 ||
			    rd16(l4) < 49152)
				bad(c, file, frame, "not a BFD control packet");
		} else if (dport == 7179) {
			c->routing++;
			if (p[0] != 0xC1 && p[0] != 0xC2)
				bad(c, file, frame, "routing message of an unknown type");
		} else {
			c->heartbeat++;
			if (p[0] != 0xC3)
				bad(c, file, frame, "heartbeat of another type");
		}
		return;
	}
	c->data++;
	if (dport != 80) {
		bad(c, file, frame, "data packet not to port 80");
		return;
	}
	size_t l4h = proto == 6 ? (size_t)(l4[12] >> 4) * 4 : 8;
	const uint8_t *trailer = l4 + l4h;
	if (l4len < l4h + 20) {
		bad(c, file, frame, "no room for the trailer");
		return;
	}
	if (proto != 6)
		return;
	uint32_t flow = rd32(trailer), k = rd32(trailer + 4), seq = rd32(l4 + 4);
	unsigned flags = l4[13];
	bool syn = flags & 0x02;
	if (syn != (k == 0) || (!syn && !(flags & 0x10)))
		bad(c, file, frame, "SYN on other than the first packet, or ACK missing");
	c->tcp_syn += syn;
	uint32_t payload = (uint32_t)(l4len - l4h);
	g_autofree gchar *key = g_strdup_printf("%s/%u", file, flow);
	uint64_t *last = g_hash_table_lookup(c->last, key);
	if (last) {
		uint32_t seq0 = (uint32_t)(*last >> 32), k0 = (uint32_t)*last;
		/* the next packets' sequence numbers follow the payload sent
		 * since (the SYN counts one) */
		uint32_t want = seq0 + (k - k0) * payload + (k0 == 0 && k > 0);
		if (k <= k0 || seq != want)
			bad(c, file, frame, "TCP sequence number does not follow the flow's payload");
		*last = (uint64_t)seq << 32 | k;
	} else {
		uint64_t *v = g_new(uint64_t, 1);
		*v = (uint64_t)seq << 32 | k;
		g_hash_table_insert(c->last, g_steal_pointer(&key), v);
	}
}

static void check_file(struct census *c, const char *dir, const char *file)
{
	g_autofree gchar *path = g_build_filename(dir, file, NULL);
	g_autofree gchar *buf = NULL;
	gsize n = 0;
	CU_ASSERT_FATAL(g_file_get_contents(path, &buf, &n, NULL));
	const uint8_t *b = (const uint8_t *)buf;
	CU_ASSERT_FATAL(n >= 24);
	CU_ASSERT_EQUAL(le32(b), 0xa1b2c3d4u); /* microsecond pcap, little-endian */
	CU_ASSERT_EQUAL(le32(b + 20), 9u);     /* LINKTYPE_PPP */
	size_t off = 24;
	unsigned frame = 0;
	while (off + 16 <= n) {
		uint32_t incl = le32(b + off + 8), orig = le32(b + off + 12);
		off += 16;
		frame++;
		if (incl != orig || off + incl > n || incl < 2) {
			bad(c, file, frame, "cut or truncated frame");
			break;
		}
		c->frames++;
		check_packet(c, file, frame, b + off + 2, incl - 2, rd16(b + off));
		off += incl;
	}
	CU_ASSERT_EQUAL(off, n);
}

/* Every pcap file of dir is named once in pcap-index.csv, with a role. */
static GPtrArray *index_files(const char *dir, unsigned *nodes_seen)
{
	g_autofree gchar *path = g_build_filename(dir, "pcap-index.csv", NULL);
	g_autofree gchar *text = NULL;
	CU_ASSERT_FATAL(g_file_get_contents(path, &text, NULL, NULL));
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	CU_ASSERT_STRING_EQUAL(lines[0], "file,role,index,peer_role,peer_index");
	GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
	*nodes_seen = 0;
	for (size_t i = 1; lines[i] && *lines[i]; i++) {
		g_auto(GStrv) f = g_strsplit(lines[i], ",", -1);
		CU_ASSERT_EQUAL_FATAL(g_strv_length(f), 5);
		const char *roles[] = {"client", "router", "node", "server", "upstream-stage", "backplane-switch"};
		bool known = false;
		for (size_t r = 0; r < G_N_ELEMENTS(roles); r++)
			known = known || strcmp(f[1], roles[r]) == 0;
		CU_ASSERT_TRUE(known);
		if (strcmp(f[1], "node") == 0 && strcmp(f[3], "router") == 0)
			(*nodes_seen)++;
		g_ptr_array_add(files, g_strdup(f[0]));
	}
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	unsigned on_disk = 0;
	for (const char *name; (name = g_dir_read_name(d));) {
		if (!g_str_has_suffix(name, ".pcap"))
			continue;
		on_disk++;
		bool listed = false;
		for (guint i = 0; i < files->len; i++)
			listed = listed || strcmp(files->pdata[i], name) == 0;
		if (!listed)
			fprintf(stderr, "\n%s is not in pcap-index.csv", name);
		CU_ASSERT_TRUE(listed);
	}
	CU_ASSERT_EQUAL(on_disk, files->len);
	return files;
}

/* tshark over the run's captures merged into one: no malformed frame, no
 * expert error, no bad checksum (TCP analysis is left to check_packet: in
 * a merged capture one packet seen on two links looks retransmitted). */
static void tshark_reads(const char *dir, GPtrArray *files, unsigned frames)
{
	g_autofree gchar *tshark = g_find_program_in_path("tshark");
	g_autofree gchar *mergecap = g_find_program_in_path("mergecap");
	if (!tshark || !mergecap) {
		printf("\n  (tshark or mergecap not installed: scripts/setup installs them; Wireshark's check skipped)");
		return;
	}
	g_autofree gchar *merged = g_build_filename(dir, "merged.pcapng", NULL);
	GPtrArray *argv = g_ptr_array_new();
	g_ptr_array_add(argv, mergecap);
	g_ptr_array_add(argv, (gpointer) "-w");
	g_ptr_array_add(argv, merged);
	for (guint i = 0; i < files->len; i++)
		g_ptr_array_add(argv, g_build_filename(dir, files->pdata[i], NULL));
	g_ptr_array_add(argv, NULL);
	int status = -1;
	CU_ASSERT_TRUE(g_spawn_sync(NULL, (gchar **)argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
				    NULL, &status, NULL));
	CU_ASSERT_EQUAL(status, 0);
	for (guint i = 3; i < argv->len - 1; i++)
		g_free(argv->pdata[i]);
	g_ptr_array_free(argv, TRUE);
	const char *flagged = "_ws.malformed || _ws.expert.severity >= 8388608 || ip.checksum.status == 0 || "
			      "tcp.checksum.status == 0 || udp.checksum.status == 0";
	const char *checks[] = {"-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
				"-o", "udp.check_checksum:TRUE"};
	for (int pass = 0; pass < 2; pass++) {
		/* pass 0: the frames flagged; pass 1: every frame, counted */
		GPtrArray *a = g_ptr_array_new();
		g_ptr_array_add(a, tshark);
		for (size_t i = 0; i < G_N_ELEMENTS(checks); i++)
			g_ptr_array_add(a, (gpointer)checks[i]);
		g_ptr_array_add(a, (gpointer) "-r");
		g_ptr_array_add(a, merged);
		if (pass == 0) {
			g_ptr_array_add(a, (gpointer) "-Y");
			g_ptr_array_add(a, (gpointer)flagged);
		}
		g_ptr_array_add(a, NULL);
		g_autofree gchar *out = NULL;
		status = -1;
		CU_ASSERT_TRUE(g_spawn_sync(NULL, (gchar **)a->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out,
					    NULL, &status, NULL));
		g_ptr_array_free(a, TRUE);
		CU_ASSERT_EQUAL(status, 0);
		unsigned lines = 0;
		for (const char *p = out ? out : ""; *p; p++)
			lines += *p == '\n';
		if (pass == 0 && lines)
			fprintf(stderr, "\ntshark flags %u frames, the first:\n%.600s", lines, out);
		CU_ASSERT_EQUAL(lines, pass == 0 ? 0 : frames);
	}
	g_unlink(merged);
}

/* One short run with pcap on; the census of its frames. */
static void run_and_check(const char *const *sets, struct census *c, unsigned *nodes)
{
	g_autofree gchar *tmp = g_dir_make_tmp("lbsim-pcap-XXXXXX", NULL);
	g_autofree gchar *out = g_build_filename(tmp, "run", NULL);
	GPtrArray *a = g_ptr_array_new();
	const char *base[] = {"run", "scenarios/default.ini", "--set", "output.pcap=on", "--set",
			      "scenario.duration=1500ms", "--set", "traffic.initial_flows=30", "--set",
			      "traffic.flow_arrival_rate=10", "--quiet", "-o", out};
	for (size_t i = 0; i < G_N_ELEMENTS(base); i++)
		g_ptr_array_add(a, (gpointer)base[i]);
	for (size_t i = 0; sets[i]; i++) {
		g_ptr_array_add(a, (gpointer) "--set");
		g_ptr_array_add(a, (gpointer)sets[i]);
	}
	g_ptr_array_add(a, NULL);
	int rc = lbsim((const char *const *)a->pdata, NULL, NULL);
	g_ptr_array_free(a, TRUE);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	g_autofree gchar *dir = g_build_filename(out, "rep0", NULL);
	*c = (struct census){.last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free)};
	GPtrArray *files = index_files(dir, nodes);
	for (guint i = 0; i < files->len; i++)
		check_file(c, dir, files->pdata[i]);
	tshark_reads(dir, files, c->frames);
	g_ptr_array_free(files, TRUE);
	g_hash_table_destroy(c->last);
	CU_ASSERT_EQUAL(lb_test_rmtree(tmp), 0);
}

/* TCP over IPv4, BFD between nodes and router. */
static void test_tcp_bfd(void)
{
	const char *sets[] = {"traffic.protocol=tcp", "router.failover=bfd", NULL};
	struct census c;
	unsigned nodes = 0;
	run_and_check(sets, &c, &nodes);
	CU_ASSERT_EQUAL(nodes, 4); /* one uplink capture per node */
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_TRUE(c.data > 1000 && c.tcp_syn >= 30 && c.bfd > 100 && c.routing > 0 && c.heartbeat > 0);
}

/* UDP over IPv6, readvertise (routing messages with metrics), two routers
 * behind the upstream stage. */
static void test_udp_v6_two_routers(void)
{
	const char *sets[] = {"traffic.protocol=udp", "traffic.ip_version=6", "cluster.vip=2001:db8::10",
			      "router.count=2", NULL};
	struct census c;
	unsigned nodes = 0;
	run_and_check(sets, &c, &nodes);
	CU_ASSERT_EQUAL(nodes, 8); /* every node has an uplink to each router */
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_TRUE(c.data > 1000 && c.tcp_syn == 0 && c.bfd == 0 && c.routing > 10 && c.heartbeat > 0);
}

void lb_test_register(void)
{
	LB_SUITE("pcap", LB_TEST(test_tcp_bfd), LB_TEST(test_udp_v6_two_routers));
}
