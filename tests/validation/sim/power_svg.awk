# Renders the power curves of docs/design-evaluation.md as SVG.
# Input lines: "true_marginal_hr power_logrank power_iptw power_matched
# conditional_hr", one per hazard ratio, ascending.  Usage (see
# docs/design-evaluation.md for the runs that make the input):
#   awk -f power_svg.awk points.txt > docs/design-evaluation.svg
BEGIN { n = 0 }
NF >= 4 { x[n] = $1; lr[n] = $2; ip[n] = $3; ma[n] = $4; n++ }
function px(v) { return 70 + (v - 0.5) / 0.55 * 480 }
function py(v) { return 330 - v * 280 }
function series(arr, color, dash, label, ly,    i, d) {
  d = ""
  for (i = 0; i < n; i++) {
    d = d (i ? " L " : "M ") sprintf("%.1f %.1f", px(x[i]), py(arr[i]))
  }
  printf "<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s/>\n", d, color, dash
  for (i = 0; i < n; i++) {
    printf "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n", px(x[i]), py(arr[i]), color
  }
  printf "<line x1=\"400\" y1=\"%d\" x2=\"425\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s/>", ly, ly, color, dash
  printf "<text x=\"430\" y=\"%d\" font-size=\"12\">%s</text>\n", ly + 4, label
}
END {
  print "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"600\" height=\"380\" viewBox=\"0 0 600 380\" font-family=\"sans-serif\">"
  print "<rect width=\"600\" height=\"380\" fill=\"white\"/>"
  print "<text x=\"300\" y=\"22\" font-size=\"14\" text-anchor=\"middle\">CHALLENGE-06, 364 patients: rejection rate of the PFS analyses (lesion model)</text>"
  for (v = 0; v <= 1.0001; v += 0.2) {
    printf "<line x1=\"70\" y1=\"%.1f\" x2=\"550\" y2=\"%.1f\" stroke=\"#ddd\"/>", py(v), py(v)
    printf "<text x=\"62\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.1f</text>\n", py(v) + 4, v
  }
  for (v = 0.5; v <= 1.0501; v += 0.1) {
    printf "<line x1=\"%.1f\" y1=\"50\" x2=\"%.1f\" y2=\"330\" stroke=\"#eee\"/>", px(v), px(v)
    printf "<text x=\"%.1f\" y=\"346\" font-size=\"11\" text-anchor=\"middle\">%.1f</text>\n", px(v), v
  }
  printf "<line x1=\"70\" y1=\"%.1f\" x2=\"550\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>", py(0.8), py(0.8)
  printf "<text x=\"548\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">80 %%</text>\n", py(0.8) - 3
  printf "<line x1=\"70\" y1=\"%.1f\" x2=\"550\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"2 3\"/>", py(0.05), py(0.05)
  printf "<text x=\"548\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">5 %%</text>\n", py(0.05) - 3
  print "<line x1=\"70\" y1=\"330\" x2=\"550\" y2=\"330\" stroke=\"black\"/><line x1=\"70\" y1=\"50\" x2=\"70\" y2=\"330\" stroke=\"black\"/>"
  print "<text x=\"310\" y=\"368\" font-size=\"12\" text-anchor=\"middle\">true (marginal) PFS hazard ratio, HAIC vs TACE</text>"
  print "<text x=\"18\" y=\"190\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 18 190)\">power (type I error at HR 1)</text>"
  series(ip, "#1f77b4", "", "IPTW Cox, robust SE", 60)
  series(ma, "#2ca02c", " stroke-dasharray=\"6 3\"", "PS-matched Cox", 78)
  series(lr, "#d62728", " stroke-dasharray=\"2 2\"", "crude log-rank", 96)
  print "</svg>"
}
