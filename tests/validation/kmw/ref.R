# Reference for tests/validation/km_weights.sh: survfit with case weights.
#   Rscript ref.R DIR   writes DIR/<case>.csv (data) and DIR/<case>.ref.tsv
# Each ref row: group, time, surv, std.err, lower, upper (summary(fit)),
# then "median" rows: group, median, lcl, ucl.
suppressMessages(library(survival))
dir <- commandArgs(trailingOnly = TRUE)[1]
set.seed(20261124)
lung2 <- survival::lung
lung2$status <- lung2$status - 1
lung2$w <- round(runif(nrow(lung2), 0.2, 3), 4)    # non-integer: robust SE
lung2$wi <- sample(1:3, nrow(lung2), replace = TRUE) # integer: Greenwood
vet <- survival::veteran
vet$w <- round(exp(rnorm(nrow(vet), 0, 0.5)), 5)
cases <- list(
  list(name = "lung_w_log", data = lung2, w = "w", g = "sex", ct = "log"),
  list(name = "lung_w_loglog", data = lung2, w = "w", g = "sex", ct = "log-log"),
  list(name = "lung_w_plain", data = lung2, w = "w", g = NULL, ct = "plain"),
  list(name = "lung_wi_log", data = lung2, w = "wi", g = "sex", ct = "log"),
  list(name = "vet_w_log", data = vet, w = "w", g = "trt", ct = "log"))
for (cs in cases) {
  d <- cs$data
  write.csv(d, file.path(dir, paste0(cs$name, ".csv")), row.names = FALSE,
            na = "")
  fml <- if (is.null(cs$g)) Surv(time, status) ~ 1 else
    as.formula(paste("Surv(time, status) ~", cs$g))
  d$.w <- d[[cs$w]]
  fit <- survfit(fml, data = d, weights = .w, conf.type = cs$ct)
  s <- summary(fit, censored = TRUE)
  grp <- if (is.null(s$strata)) rep("all", length(s$time)) else
    sub("^.*=", "", as.character(s$strata))
  out <- data.frame(group = grp, time = s$time, surv = s$surv,
                    se = s$std.err, lower = s$lower, upper = s$upper)
  tab <- summary(fit)$table
  if (is.null(dim(tab))) tab <- t(as.matrix(tab))
  gnames <- if (is.null(cs$g)) "all" else sub("^.*=", "", rownames(tab))
  med <- data.frame(group = gnames, time = "median", surv = tab[, "median"],
                    se = tab[, "0.95LCL"], lower = tab[, "0.95UCL"],
                    upper = NA)
  write.table(rbind(out, med), file.path(dir, paste0(cs$name, ".ref.tsv")),
              sep = "\t", row.names = FALSE, col.names = FALSE,
              quote = FALSE, na = "NA")
}
