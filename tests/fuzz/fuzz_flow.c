/* fuzz_flow.c - libFuzzer harness for the core's packet parser,
 * lb_flow_parse() (scripts/fuzz builds and runs it).
 *
 * Every input is one packet exactly as long as the input (so ASan sees any
 * read past its end).  Checked beyond "no crash, no undefined behaviour":
 *   - the return code is one lb_flow.h lists;
 *   - a parsed key is canonical (family 4 or 6, protocol TCP or UDP, pad
 *     zero, the 12 unused bytes of an IPv4 address zero), so keys compare
 *     with memcmp;
 *   - its headers written back by lb_flow_write_headers() parse to the same
 *     key, for both families and protocols;
 *   - it formats within the documented 112 bytes, and every hash takes it. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lbcore/lb_flow.h"
#include "lbcore/lb_hash.h"

#define CHECK(c)                       \
	do {                           \
		if (!(c))              \
			__builtin_trap(); \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lb_flow_key k;
	memset(&k, 0xa5, sizeof k);
	int rc = lb_flow_parse(data, size, &k);
	CHECK(rc == 0 || rc == -EMSGSIZE || rc == -EINVAL || rc == -EPROTONOSUPPORT);
	if (rc != 0)
		return 0;
	CHECK(k.family == LB_AF_INET || k.family == LB_AF_INET6);
	CHECK(k.proto == LB_PROTO_TCP || k.proto == LB_PROTO_UDP);
	CHECK(k.pad[0] == 0 && k.pad[1] == 0);
	if (k.family == LB_AF_INET) {
		static const uint8_t zero[12];
		CHECK(memcmp(k.src + 4, zero, 12) == 0 && memcmp(k.dst + 4, zero, 12) == 0);
	}
	uint8_t buf[128];
	for (int syn = 0; syn < 2; syn++) {
		int hl = lb_flow_write_headers(&k, buf, sizeof buf, (uint16_t)(size & 0xff), syn);
		CHECK(hl == 28 || hl == 40 || hl == 48 || hl == 60);
		struct lb_flow_key again;
		/* the length fields count payload that is not there: truncated */
		CHECK(lb_flow_parse(buf, (size_t)hl, &again) == ((size & 0xff) ? -EMSGSIZE : 0));
		hl = lb_flow_write_headers(&k, buf, sizeof buf, 0, syn);
		CHECK(lb_flow_parse(buf, (size_t)hl, &again) == 0 && lb_flow_key_eq(&k, &again) &&
		      memcmp(&k, &again, sizeof k) == 0);
	}
	char text[112];
	CHECK(strlen(lb_flow_key_format(&k, text, sizeof text)) < sizeof text);
	/* the reverse direction hashes alike under the symmetric variant */
	struct lb_flow_key rev = k;
	memcpy(rev.src, k.dst, 16);
	memcpy(rev.dst, k.src, 16);
	rev.sport = k.dport;
	rev.dport = k.sport;
	for (unsigned kind = 0; kind < LB_HASH_KIND_COUNT; kind++) {
		struct lb_hasher h;
		if (lb_hasher_init(&h, (enum lb_hash_kind)kind, 0x5eed) == 0) {
			(void)lb_hasher_flow(&h, &k);
			CHECK(lb_hasher_flow_symmetric(&h, &k) == lb_hasher_flow_symmetric(&h, &rev));
		}
	}
	return 0;
}
