/* test_shim_pcap.c - test_shim's suite shim_pcap: pcap files of every
 * device or of one (ns-3's names, DLT_PPP, record lengths and times). */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "../cu_main.h"
#include "shim_fixture.h"

/* ------------------------------------------------------------------ */
/* 10. pcap                                                            */

static uint32_t rd32(const uint8_t *b)
{
	uint32_t v;
	memcpy(&v, b, 4);
	return v;
}

struct pcap_info {
	int ok;
	uint32_t linktype, nrec, bad_len;
	uint64_t ts_us[64];
};

/* Parses a pcap file written on this host (native byte order). */
static void pcap_parse(const char *path, size_t expect_incl, struct pcap_info *pi)
{
	memset(pi, 0, sizeof *pi);
	FILE *f = fopen(path, "rb");
	if (!f)
		return;
	uint8_t gh[24];
	if (fread(gh, 1, sizeof gh, f) != sizeof gh || rd32(gh) != 0xa1b2c3d4u) {
		fclose(f);
		return;
	}
	pi->linktype = rd32(gh + 20);
	uint8_t rh[16];
	static uint8_t data[70000];
	for (;;) {
		size_t got = fread(rh, 1, sizeof rh, f);
		if (got == 0)
			break;
		if (got != sizeof rh) {
			fclose(f);
			return;
		}
		uint32_t incl = rd32(rh + 8), orig = rd32(rh + 12);
		if (incl > sizeof data || fread(data, 1, incl, f) != incl) {
			fclose(f);
			return;
		}
		if (incl != expect_incl || orig != expect_incl)
			pi->bad_len++;
		if (pi->nrec < 64)
			pi->ts_us[pi->nrec] = (uint64_t)rd32(rh) * 1000000u + rd32(rh + 4);
		pi->nrec++;
	}
	fclose(f);
	pi->ok = 1;
}

static char *make_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *tmpl = malloc(4096);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tmpl);
	snprintf(tmpl, 4096, "%s/test_shim_pcap_XXXXXX", base && *base ? base : "/tmp");
	if (!mkdtemp(tmpl)) {
		free(tmpl);
		return NULL;
	}
	return tmpl;
}

/* Counts *.pcap files; sums their records into *nrec; removes every file
 * and the directory. */
static unsigned pcap_dir_collect(const char *dir, size_t expect_incl, uint32_t *nrec, unsigned *bad)
{
	unsigned files = 0;
	*nrec = 0;
	*bad = 0;
	DIR *d = opendir(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	struct dirent *e;
	char path[4352];
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".pcap") == 0) {
			struct pcap_info pi;
			pcap_parse(path, expect_incl, &pi);
			files++;
			*bad += !pi.ok || pi.linktype != 9 || pi.bad_len != 0;
			*nrec += pi.nrec;
		} else {
			(*bad)++;
		}
		unlink(path);
	}
	closedir(d);
	CU_ASSERT_EQUAL(rmdir(dir), 0);
	return files;
}

static int file_exists(const char *dir, const char *name)
{
	char path[4352];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return access(path, F_OK) == 0;
}

static void test_pcap_all(void)
{
	enum { K = 5 };
	char *dir = make_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	/* no _FATAL from here on, so the directory is always removed */
	struct pair p;
	uint32_t c = 0, dac, dc;
	int ok = pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0;
	CU_ASSERT(ok);
	if (ok) {
		/* a third node on a second link of a: a file with no records */
		c = shim_node_create(p.s);
		CU_ASSERT_EQUAL(c, 2);
		CU_ASSERT_EQUAL(shim_p2p_connect(p.s, p.a, c, 1000000000ull, 5000, 10, &dac, &dc), 0);
		shim_pcap_enable_all(p.s, dir);
		for (uint32_t i = 0; i < K; i++)
			CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, i, 998), 0);
		shim_run_until(p.s, END_NS);
		CU_ASSERT_EQUAL(g_rec.nrx, K);
		sim_free(p.s);

		/* ns-3 names: <prefix>-<node>-<node's device index>.pcap */
		char path[4352];
		struct pcap_info pi;
		snprintf(path, sizeof path, "%s/lbsim-0-0.pcap", dir);
		pcap_parse(path, 1000, &pi);
		CU_ASSERT(pi.ok);
		CU_ASSERT_EQUAL(pi.linktype, 9); /* DLT_PPP */
		CU_ASSERT_EQUAL(pi.nrec, K);
		CU_ASSERT_EQUAL(pi.bad_len, 0); /* 998 + 2-byte PPP header */
		for (uint32_t i = 0; i < K && i < pi.nrec; i++) /* transmit starts, 8 us apart */
			CU_ASSERT_EQUAL(pi.ts_us[i], 8u * i);
		snprintf(path, sizeof path, "%s/lbsim-1-0.pcap", dir);
		pcap_parse(path, 1000, &pi);
		CU_ASSERT(pi.ok);
		CU_ASSERT_EQUAL(pi.nrec, K);
		for (uint32_t i = 0; i < K && i < pi.nrec; i++) /* arrivals */
			CU_ASSERT_EQUAL(pi.ts_us[i], 8u * (i + 1) + 5);
		CU_ASSERT(file_exists(dir, "lbsim-0-1.pcap"));
		CU_ASSERT(file_exists(dir, "lbsim-2-0.pcap"));
	}
	uint32_t nrec;
	unsigned bad;
	/* one file per device: 4; each packet once at a (tx), once at b (rx) */
	unsigned files = pcap_dir_collect(dir, 1000, &nrec, &bad);
	if (ok) {
		CU_ASSERT_EQUAL(files, 4);
		CU_ASSERT_EQUAL(nrec, 2 * K);
		CU_ASSERT_EQUAL(bad, 0);
	}
	free(dir);
}

static void test_pcap_one(void)
{
	enum { K = 3 };
	char *dir = make_tmpdir();
	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	struct pair p;
	int ok = pair_make(&p, SHIM_SCHED_MAP, 1000000000ull, 5000, 10) == 0;
	CU_ASSERT(ok);
	if (ok) {
		shim_pcap_enable(p.s, p.db, dir);
		for (uint32_t i = 0; i < K; i++)
			CU_ASSERT_EQUAL(send_seq(p.s, p.da, 0, i, 98), 0);
		shim_run_until(p.s, END_NS);
		CU_ASSERT_EQUAL(g_rec.nrx, K);
		sim_free(p.s);
	}
	/* only b's device, named as by enable_all */
	CU_ASSERT(file_exists(dir, "lbsim-1-0.pcap"));
	CU_ASSERT_FALSE(file_exists(dir, "lbsim-0-0.pcap"));
	uint32_t nrec;
	unsigned bad;
	CU_ASSERT_EQUAL(pcap_dir_collect(dir, 100, &nrec, &bad), 1);
	CU_ASSERT_EQUAL(nrec, K);
	CU_ASSERT_EQUAL(bad, 0);
	free(dir);
}

void shim_pcap_suite(void)
{
	LB_SUITE("shim_pcap", LB_TEST(test_pcap_all), LB_TEST(test_pcap_one));
}
