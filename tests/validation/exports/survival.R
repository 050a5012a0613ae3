# survival::coxph and survfit on the exported PFS and OS (adsl.xpt read by
# haven: PFSDY/PFSCNSR, OSDY/OSCNSR, cohort ARMCD), analysis population
# only (ANLPOPFL = "Y"): prints one line per
# number, "KEY VALUE", for tests/validation/exports.sh to compare with the
# analysis routes.  Keys: pfs_hr, pfs_coef, pfs_se, pfs_n, pfs_events,
# pfs_median_HAIC, pfs_median_TACE, and the same for os.
#   Rscript survival.R DIR
suppressPackageStartupMessages(library(survival))
x <- as.data.frame(haven::read_xpt(file.path(commandArgs(TRUE)[1], "adsl.xpt")))
x <- x[x$ANLPOPFL == "Y", ]
x$haic <- as.integer(x$ARMCD == "HAIC")
for (ep in c("pfs", "os")) {
  t <- x[[paste0(toupper(ep), "DY")]]
  cn <- x[[paste0(toupper(ep), "CNSR")]]
  d <- data.frame(t = t, ev = 1 - cn, haic = x$haic, arm = x$ARMCD)
  d <- d[!is.na(d$t), ]
  fit <- coxph(Surv(t, ev) ~ haic, data = d)
  cat(ep, "_hr ", format(exp(coef(fit)[[1]]), digits = 15), "\n", sep = "")
  cat(ep, "_coef ", format(coef(fit)[[1]], digits = 15), "\n", sep = "")
  cat(ep, "_se ", format(sqrt(vcov(fit)[1, 1]), digits = 15), "\n", sep = "")
  cat(ep, "_n ", fit$n, "\n", ep, "_events ", fit$nevent, "\n", sep = "")
  km <- survfit(Surv(t, ev) ~ arm, data = d)
  med <- summary(km)$table[, "median"]
  for (g in c("HAIC", "TACE")) {
    v <- med[[paste0("arm=", g)]]
    cat(ep, "_median_", g, " ", if (is.na(v)) "null" else format(v, digits = 15), "\n", sep = "")
  }
}
