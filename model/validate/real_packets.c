/* real_packets.c - the data-packet figures of a real repetition, from
 * lbv-send's log (every packet sent: flow, sequence, send time) and the
 * nodes' lbv-recv logs (every packet received).
 *
 * A packet is delivered when some receiver logged its (flow, sequence),
 * lost otherwise (the run drains before the receivers stop, so nothing is
 * in flight).  Its time is its send time: within tens of microseconds of
 * when the network dropped it.  The loss window is, as in the simulator,
 * from the first failure to the last packet lost after it.
 *
 * "After the failure" means sent from the moment the command that made it
 * real began (fail_begin_ns): the failure takes effect during the command.
 *
 * Blackhole by flow: a lost packet sent after the failure, on a flow whose
 * last packet delivered before the failure reached the failed node.  The
 * router hashes a flow to one node for as long as the ECMP set does not
 * change, so this counts what the router kept sending to the dead node; it
 * is the per-packet counterpart of the dead node's nftables drop counter
 * (analyze.c reports both; doc/validation.md compares them).
 *
 * Per flow, the nodes that received its packets sent before the failure:
 * where the real router hashed it (flow_agree.c compares with lbsim).
 *
 * Bins: sent and lost by send time, delivered by arrival time, as the
 * simulator bins its events by when they happen.  Per-node receptions
 * (nodes.csv, peak_node_share) by send time: the router forwards a packet
 * microseconds after it is sent, while a receiver that the loaded machine
 * does not schedule for a few ms logs a backlog at once, which binned by
 * arrival shows one node alone in a bin (a peak share of 1 under hold,
 * where the router never sends all traffic to one node). */
#include <stdio.h>
#include <string.h>

#include "real.h"
#include "wire.h"

static gboolean read_log(const char *raw, const char *name, uint32_t kind, size_t rec_size,
			 struct lbv_log_head *head, void **recs, GError **err)
{
	g_autofree gchar *p = g_build_filename(raw, name, NULL);
	gchar *data;
	gsize len;
	if (!g_file_get_contents(p, &data, &len, err))
		return FALSE;
	if (len < sizeof *head)
		goto bad;
	memcpy(head, data, sizeof *head);
	if (head->magic != LBV_LOG_MAGIC || head->kind != kind || head->count > (len - sizeof *head) / rec_size ||
	    len != sizeof *head + head->count * rec_size)
		goto bad;
	*recs = g_memdup2(data + sizeof *head, head->count * rec_size);
	g_free(data);
	return TRUE;
bad:
	g_free(data);
	g_set_error(err, REAL_ERROR, 0, "%s: not a complete lbv log (wire.h)", p);
	return FALSE;
}

static size_t bin_of(int64_t t_ns, uint64_t bin_ns, size_t n_bins)
{
	if (t_ns < 0)
		return 0;
	size_t b = (size_t)((uint64_t)t_ns / bin_ns);
	return b < n_bins ? b : n_bins - 1;
}

void real_packets_free(struct real_packets *p)
{
	g_free(p->bin_sent);
	g_free(p->bin_delivered);
	g_free(p->bin_lost);
	g_free(p->bin_blackhole);
	g_free(p->node_rx);
	g_free(p->flow_nodes);
	memset(p, 0, sizeof *p);
}

gboolean real_packets_load(const char *raw, const struct scenario *sc, const struct real_meta *m,
			   struct real_packets *p, GError **err)
{
	memset(p, 0, sizeof *p);
	struct lbv_log_head sh;
	g_autofree struct lbv_sent *sent = NULL;
	if (!read_log(raw, "send.bin", LBV_LOG_SENT, sizeof *sent, &sh, (void **)&sent, err))
		return FALSE;
	uint32_t F = sh.flows;
	p->n_nodes = sc->nodes;
	p->n_bins = (size_t)((sc->duration_ns + sc->bin_ns - 1) / sc->bin_ns);
	p->bin_sent = g_new0(uint64_t, p->n_bins);
	p->bin_delivered = g_new0(uint64_t, p->n_bins);
	p->bin_lost = g_new0(uint64_t, p->n_bins);
	p->bin_blackhole = g_new0(uint64_t, p->n_bins);
	p->node_rx = g_new0(uint64_t, p->n_bins * p->n_nodes);
	p->n_flows = F;
	p->flow_nodes = g_new0(lb_nodeset, (size_t)F + 1);
	p->send_errors = sh.errors;
	p->late_max_ns = sh.late_max_ns;
	p->first_loss_ns = p->last_loss_ns = REAL_NEVER;

	/* one slot per (flow, sequence): offset[f] + seq */
	g_autofree uint64_t *offset = g_new0(uint64_t, (size_t)F + 1);
	for (uint64_t i = 0; i < sh.count; i++) {
		if (sent[i].flow >= F) {
			g_set_error(err, REAL_ERROR, 0, "%s/send.bin: flow %u of %u", raw, sent[i].flow, F);
			return FALSE;
		}
		if ((uint64_t)sent[i].seq + 1 > offset[sent[i].flow + 1])
			offset[sent[i].flow + 1] = (uint64_t)sent[i].seq + 1;
	}
	for (uint32_t f = 0; f < F; f++)
		offset[f + 1] += offset[f];
	g_autofree uint8_t *was_sent = g_new0(uint8_t, offset[F] + 1);
	g_autofree uint8_t *rx_node = g_new0(uint8_t, offset[F] + 1); /* 0: not received, else node + 1 */
	g_autofree int64_t *rx_sent_t = g_new(int64_t, offset[F] + 1);
	for (uint64_t i = 0; i < sh.count; i++)
		was_sent[offset[sent[i].flow] + sent[i].seq] = 1;
	p->sent = sh.count;

	for (unsigned n = 0; n < sc->nodes; n++) {
		g_autofree gchar *name = g_strdup_printf("recv-%u.bin", n);
		struct lbv_log_head rh;
		g_autofree struct lbv_rcvd *rcvd = NULL;
		if (!read_log(raw, name, LBV_LOG_RCVD, sizeof *rcvd, &rh, (void **)&rcvd, err))
			return FALSE;
		p->recv_errors += rh.errors;
		for (uint64_t i = 0; i < rh.count; i++) {
			const struct lbv_rcvd *r = &rcvd[i];
			uint64_t slot = r->flow < F ? offset[r->flow] + r->seq : UINT64_MAX;
			if (r->flow >= F || slot >= offset[r->flow + 1] || !was_sent[slot]) {
				p->recv_errors++;
				continue;
			}
			if (rx_node[slot]) {
				p->duplicates++;
				continue;
			}
			rx_node[slot] = (uint8_t)(n + 1);
			rx_sent_t[slot] = (int64_t)(r->t_sent_ns - m->t0_ns);
			if (m->t_fail_ns == REAL_NEVER || rx_sent_t[slot] < m->fail_begin_ns)
				p->flow_nodes[r->flow] |= lb_nodeset_bit(n);
			p->delivered++;
			size_t b = bin_of((int64_t)(r->t_rcvd_ns - m->t0_ns), sc->bin_ns, p->n_bins);
			p->bin_delivered[b]++;
			p->node_rx[bin_of(rx_sent_t[slot], sc->bin_ns, p->n_bins) * p->n_nodes + n]++;
		}
	}

	/* each flow's node before the failure: the receiver of its latest packet sent before it */
	g_autofree int *flow_node = g_new(int, (size_t)F + 1);
	for (uint32_t f = 0; f < F; f++) {
		flow_node[f] = -1;
		for (uint64_t s = offset[f + 1]; s > offset[f]; s--) {
			if (rx_node[s - 1] && rx_sent_t[s - 1] < m->fail_begin_ns) {
				flow_node[f] = rx_node[s - 1] - 1;
				break;
			}
		}
	}
	for (uint64_t i = 0; i < sh.count; i++) {
		const struct lbv_sent *s = &sent[i];
		int64_t t = (int64_t)(s->t_ns - m->t0_ns);
		size_t b = bin_of(t, sc->bin_ns, p->n_bins);
		p->bin_sent[b]++;
		if (rx_node[offset[s->flow] + s->seq])
			continue;
		p->lost++;
		p->bin_lost[b]++;
		if (m->t_fail_ns == REAL_NEVER || t < m->fail_begin_ns)
			continue;
		if (p->first_loss_ns == REAL_NEVER || t < p->first_loss_ns)
			p->first_loss_ns = t;
		if (p->last_loss_ns == REAL_NEVER || t > p->last_loss_ns)
			p->last_loss_ns = t;
		if (m->failed_node >= 0 && flow_node[s->flow] == m->failed_node) {
			p->blackhole_by_flow++;
			p->bin_blackhole[b]++;
		}
	}
	return TRUE;
}
