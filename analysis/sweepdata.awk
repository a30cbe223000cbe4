# analysis/sweepdata.awk: pivots a sweep's sweep.csv for one summary figure
# into what sweep.gp draws.  The swept keys are the columns between "point"
# and "runs", in the scenario's order: the first is the x axis, the second
# (if any) one series per value, every further key one panel per combination
# of its values (none is dropped); at most maxp panels per figure file, more
# go to further pages.
#   awk -F, -v fig=lost -v out=DIR -v maxp=6 -f sweepdata.awk sweep.csv
# writes DIR/vars.gp (gnuplot variables and arrays: labels, panel titles,
# categories, the common y range, replications) and DIR/page<P>.dat: per
# panel and series (gnuplot index (panel - 1) * nseries + series - 1) the
# rows "x mean ci95 expectation" (x: the category's index, or the value in
# seconds for durations; expectation NaN where the figure has no closed form,
# the summary's expect_<fig>_mean column), sorted by x.
# fig = broken_fraction is flows_broken / flows_total (its CI scaled alike).
function num(v) { return v ~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/ }
function dur(v) { return v ~ /^[0-9.]+(ns|us|ms|s)$/ }
function seconds(v,   u, x) {
	u = v; sub(/^[0-9.]+/, "", u); x = substr(v, 1, length(v) - length(u)) + 0
	return x * (u == "ns" ? 1e-9 : u == "us" ? 1e-6 : u == "ms" ? 1e-3 : 1)
}
function q(s) { gsub(/'/, "''", s); return "'" s "'" }
function qq(s) { gsub(/\\/, "\\\\", s); gsub(/"/, "\\\"", s); gsub(/\n/, "\\n", s); return "\"" s "\"" }
NR == 1 {
	for (i = 1; i <= NF; i++) col[$i] = i
	nk = 0; for (i = 2; $i != "runs" && i <= NF; i++) key[++nk] = $i
	next
}
{
	if (fig == "broken_fraction") {
		t = $col["flows_total_mean"]; m = t > 0 ? $col["flows_broken_mean"] / t : ""
		c = t > 0 ? $col["flows_broken_ci95"] / t : 0
	} else { m = $col[fig "_mean"]; c = $col[fig "_ci95"] }
	xc = "expect_" fig "_mean"
	e = (xc in col) && $col[xc] != "" ? $col[xc] : "NaN"
	if (e != "NaN") hasexp = 1
	if (m == "") { m = "NaN" } else if (m + 0 != 0) nonzero = 1
	if (c == "") c = 0
	r = $col["runs"] + 0; if (rmin == "" || r < rmin) rmin = r; if (r > rmax) rmax = r
	x = $2; if (!(x in xi)) { xi[x] = ++nx; xs[nx] = x; if (!num(x) && !dur(x)) cat = 1; if (dur(x)) anydur = 1 }
	s = nk > 1 ? $3 : ""; if (!(s in si)) { si[s] = ++ns; ss[ns] = s }
	p = ""; for (k = 3; k <= nk; k++) p = p (k > 3 ? "\n" : "") key[k] " = " $(k + 1)
	if (!(p in pi)) { pi[p] = ++np; ps[np] = p }
	n = ++cnt[pi[p], si[s]]
	row[pi[p], si[s], n] = xi[x] " " m " " c " " e
	top = m == "NaN" ? 0 : m + c; if (e != "NaN" && e + 0 > top) top = e + 0
	if (top > ymax) ymax = top
}
END {
	pages = int((np + maxp - 1) / maxp)
	# x values: the category's index (0-based) or the number (seconds)
	for (i = 1; i <= nx; i++) xv[i] = cat ? i - 1 : (dur(xs[i]) ? seconds(xs[i]) : xs[i] + 0)
	for (pg = 1; pg <= pages; pg++) {
		f = out "/page" pg ".dat"
		for (pn = (pg - 1) * maxp + 1; pn <= np && pn <= pg * maxp; pn++)
			for (sn = 1; sn <= ns; sn++) {
				# rows sorted by x (insertion sort: a handful of points)
				m = cnt[pn, sn]; for (i = 1; i <= m; i++) { split(row[pn, sn, i], a, " "); o[i] = row[pn, sn, i]; ox[i] = xv[a[1]] }
				for (i = 2; i <= m; i++) { t = o[i]; tx = ox[i]; for (j = i - 1; j >= 1 && ox[j] > tx; j--) { o[j + 1] = o[j]; ox[j + 1] = ox[j] } o[j + 1] = t; ox[j + 1] = tx }
				for (i = 1; i <= m; i++) { split(o[i], a, " "); printf "%.9g %s %s %s\n", xv[a[1]], a[2], a[3], a[4] > f }
				if (m == 0) printf "NaN NaN NaN NaN\n" > f
				printf "\n\n" > f
			}
		close(f)
	}
	v = out "/vars.gp"
	printf "nkeys = %d\nxkey = %s\nskey = %s\n", nk, q(key[1]), q(nk > 1 ? key[2] : "") > v
	extra = ""; for (k = 3; k <= nk; k++) extra = extra (k > 3 ? ", " : "") key[k]
	printf "pkeys = %s\ncategorical = %d\ndurations = %d\n", q(extra), cat + 0, (!cat && anydur) > v
	printf "nx = %d\nnseries = %d\nnpanels = %d\npages = %d\nmaxp = %d\n", nx, ns, np, pages, maxp > v
	printf "ymax = %.9g\nrmin = %d\nrmax = %d\nnonzero = %d\nhasexp = %d\n", ymax, rmin, rmax, nonzero + 0, hasexp + 0 > v
	lo = hi = xv[1]; for (i = 2; i <= nx; i++) { if (xv[i] < lo) lo = xv[i]; if (xv[i] > hi) hi = xv[i] }
	printf "xmin = %.9g\nxmax = %.9g\n", lo, hi > v
	# the closest two x values (linear and log10 distance) and the longest
	# label: sweep.gp puts a tick at each value only when the labels fit
	gap = hi - lo; lgap = lo > 0 ? log(hi / lo) / log(10) : 0; len = 0
	for (i = 1; i <= nx; i++) {
		if (length(xs[i]) > len) len = length(xs[i])
		for (j = 1; j <= nx; j++) if (xv[j] > xv[i]) {
			if (xv[j] - xv[i] < gap) gap = xv[j] - xv[i]
			if (xv[i] > 0 && log(xv[j] / xv[i]) / log(10) < lgap) lgap = log(xv[j] / xv[i]) / log(10)
		}
	}
	printf "xgap = %.9g\nxlgap = %.9g\nxlablen = %d\n", gap, lgap, len > v
	printf "array XL[%d]\narray XV[%d]\n", nx, nx > v
	for (i = 1; i <= nx; i++) printf "XL[%d] = %s\nXV[%d] = %.9g\n", i, q(xs[i]), i, xv[i] > v
	printf "array SL[%d]\n", ns > v
	for (i = 1; i <= ns; i++) printf "SL[%d] = %s\n", i, q(ss[i]) > v
	printf "array PT[%d]\n", np > v
	for (i = 1; i <= np; i++) printf "PT[%d] = %s\n", i, qq(ps[i]) > v
	close(v)
}
