# ref.R: reference values from R's survival package for km_logrank.sh.
#   Rscript ref.R DIR
# Writes DIR/*.csv (data sets exported from survival, plus a generated one
# with ties, near-ties, text groups, missing values and strata),
# DIR/cases.tsv (case name, kind, hccstudy arguments) and DIR/ref.tsv
# (case, key, value), one line per number to compare; NA/NaN/Inf -> null.
suppressMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
csv <- function(d, name) {
  path <- file.path(dir, paste0(name, ".csv"))
  write.csv(d, path, row.names = FALSE)
  path
}
set.seed(20261124)
n <- 600
gen <- data.frame(
  id = seq_len(n),
  time = round(rexp(n, 0.08), 1),
  status = rbinom(n, 1, 0.7),
  grp = sample(c("alpha", "beta", "gamma"), n, replace = TRUE),
  site = sample(c("s1", "s2", "s3"), n, replace = TRUE))
gen$time[gen$grp == "beta"] <- round(gen$time[gen$grp == "beta"] * 0.7, 1)
# Floating-point near-ties that R's timefix merges.
k <- 1:40
gen$time[k] <- gen$time[k + 40] * (1 + 1e-10)
gen$time[sample(n, 15)] <- NA
gen$status[sample(n, 10)] <- NA
gen$grp[sample(n, 12)] <- NA
# A group whose members are all censored before the first death: its
# expected count is 0 and survdiff leaves it out of the chi-square.
gen2 <- gen[!is.na(gen$time) & !is.na(gen$status) & !is.na(gen$grp), ]
first_death <- min(gen2$time[gen2$status == 1])
gen2 <- rbind(gen2, data.frame(id = 9001:9003, time = first_death / c(2, 3, 4),
                               status = 0, grp = "early", site = "s1"))
files <- list(gen2 = csv(gen2, "gen2"),
  lung = csv(lung, "lung"), aml = csv(aml, "aml"),
  veteran = csv(veteran, "veteran"), ovarian = csv(ovarian, "ovarian"),
  colon = csv(colon, "colon"), gen = csv(gen, "gen"))
data <- list()
for (nm in names(files)) data[[nm]] <- read.csv(files[[nm]])

cases <- file(file.path(dir, "cases.tsv"), "w")
ref <- file(file.path(dir, "ref.tsv"), "w")
num <- function(x) ifelse(is.finite(x), sprintf("%.17g", x), "null")
put <- function(case, key, x) {
  cat(paste0(case, "\t", key, "\t", num(x), "\n"), sep = "", file = ref)
}

km_case <- function(case, ds, time, event, group = NULL, conf = "log",
                    level = 0.95, times = NULL, tau = NULL) {
  d <- data[[ds]]
  rhs <- if (is.null(group)) "1" else group
  f <- as.formula(paste0("Surv(", time, ", ", event, ") ~ ", rhs))
  fit <- survfit(f, data = d, conf.type = conf, conf.int = level)
  a <- paste("--data", files[[ds]], "--time", time, "--event", event,
             "--conf-type", conf, "--conf-level", level)
  if (!is.null(group)) a <- paste(a, "--group", group)
  if (!is.null(times)) a <- paste(a, "--times", paste(times, collapse = ","))
  if (!is.null(tau)) a <- paste(a, "--tau", tau)
  cat(case, "\tkm\t", a, "\n", sep = "", file = cases)
  tab <- summary(fit, rmean = if (is.null(tau)) "common" else tau)$table
  if (is.null(dim(tab))) tab <- matrix(tab, nrow = 1)
  ns <- if (is.null(fit$strata)) 1 else length(fit$strata)
  labels <- if (is.null(fit$strata)) "all" else
    sub("^[^=]*=", "", names(fit$strata))
  st <- if (is.null(fit$strata)) rep(1, length(fit$time)) else
    rep(seq_len(ns), fit$strata)
  if (!is.null(times)) {
    sm <- summary(fit, times = times, extend = TRUE)
    smst <- if (is.null(sm$strata)) rep(1, length(sm$time)) else
      as.integer(sm$strata)
  }
  qq <- quantile(fit, c(0.25, 0.5, 0.75))
  qm <- lapply(qq, function(m) if (is.null(dim(m))) matrix(m, nrow = 1) else m)
  for (i in seq_len(ns)) {
    g <- paste0("groups.", labels[i], ".")
    for (j in 1:3) {
      t <- paste0(g, "quantiles.", j - 1, ".")
      put(case, paste0(t, "p"), c(0.25, 0.5, 0.75)[j])
      put(case, paste0(t, "time"), qm$quantile[i, j])
      put(case, paste0(t, "lower"), qm$lower[i, j])
      put(case, paste0(t, "upper"), qm$upper[i, j])
    }
    put(case, paste0(g, "n"), tab[i, 1])
    put(case, paste0(g, "events"), tab[i, 4])
    put(case, paste0(g, "rmst"), tab[i, 5])
    put(case, paste0(g, "rmst_se"), tab[i, 6])
    put(case, paste0(g, "median"), tab[i, 7])
    put(case, paste0(g, "median_lower"), tab[i, 8])
    put(case, paste0(g, "median_upper"), tab[i, 9])
    w <- which(st == i)
    for (j in seq_along(w)) {
      r <- w[j]
      t <- paste0(g, "table.", j - 1, ".")
      put(case, paste0(t, "time"), fit$time[r])
      put(case, paste0(t, "n_risk"), fit$n.risk[r])
      put(case, paste0(t, "n_event"), fit$n.event[r])
      put(case, paste0(t, "n_censor"), fit$n.censor[r])
      put(case, paste0(t, "surv"), fit$surv[r])
      put(case, paste0(t, "std_err"), fit$surv[r] * fit$std.err[r])
      put(case, paste0(t, "lower"), fit$lower[r])
      put(case, paste0(t, "upper"), fit$upper[r])
    }
    if (!is.null(times)) {
      w <- which(smst == i)
      for (j in seq_along(w)) {
        r <- w[j]
        t <- paste0(g, "at_times.", j - 1, ".")
        put(case, paste0(t, "time"), sm$time[r])
        put(case, paste0(t, "n_risk"), sm$n.risk[r])
        put(case, paste0(t, "surv"), sm$surv[r])
        put(case, paste0(t, "std_err"), sm$std.err[r])
        put(case, paste0(t, "lower"), sm$lower[r])
        put(case, paste0(t, "upper"), sm$upper[r])
      }
    }
  }
}

lr_case <- function(case, ds, time, event, group, strata = NULL, rho = 0) {
  d <- data[[ds]]
  rhs <- group
  if (!is.null(strata)) rhs <- paste0(rhs, " + strata(", strata, ")")
  f <- as.formula(paste0("Surv(", time, ", ", event, ") ~ ", rhs))
  sd <- survdiff(f, data = d, rho = rho)
  a <- paste("--data", files[[ds]], "--time", time, "--event", event,
             "--group", group, "--rho", rho)
  if (!is.null(strata)) a <- paste(a, "--strata", strata)
  cat(case, "\tlogrank\t", a, "\n", sep = "", file = cases)
  o <- if (is.matrix(sd$obs)) rowSums(sd$obs) else sd$obs
  e <- if (is.matrix(sd$exp)) rowSums(sd$exp) else sd$exp
  df <- sum(e > 0) - 1
  put(case, "chisq", sd$chisq)
  put(case, "df", df)
  put(case, "p", pchisq(sd$chisq, df, lower.tail = FALSE))
  labels <- sub("^[^=]*=", "", names(sd$n))
  for (i in seq_along(labels)) {
    g <- paste0("groups.", labels[i], ".")
    put(case, paste0(g, "n"), sd$n[i])
    put(case, paste0(g, "observed"), o[i])
    put(case, paste0(g, "expected"), e[i])
  }
}

km_case("lung_all", "lung", "time", "status", times = c(0, 5, 180, 365, 730, 1100))
km_case("lung_sex", "lung", "time", "status", "sex", times = c(180, 365, 730))
km_case("lung_sex_loglog90", "lung", "time", "status", "sex", conf = "log-log",
        level = 0.9, times = c(180, 365))
km_case("lung_sex_plain", "lung", "time", "status", "sex", conf = "plain")
km_case("lung_ecog", "lung", "time", "status", "ph.ecog", times = c(100, 500))
km_case("aml_x", "aml", "time", "status", "x", times = c(10, 30, 200))
km_case("aml_x_loglog", "aml", "time", "status", "x", conf = "log-log")
km_case("veteran_trt", "veteran", "time", "status", "trt", times = c(30, 90))
km_case("veteran_cell", "veteran", "time", "status", "celltype")
km_case("ovarian_rx", "ovarian", "futime", "fustat", "rx", times = c(365, 730))
km_case("colon_rx", "colon", "time", "status", "rx", times = c(365, 1825))
km_case("gen_grp", "gen", "time", "status", "grp", times = c(1, 10, 25))
km_case("gen_grp_loglog", "gen", "time", "status", "grp", conf = "log-log",
        level = 0.99)
km_case("gen_site_plain", "gen", "time", "status", "site", conf = "plain")
km_case("lung_sex_tau365", "lung", "time", "status", "sex", tau = 365)
km_case("aml_x_tau20", "aml", "time", "status", "x", tau = 20.5)
km_case("gen2_grp", "gen2", "time", "status", "grp")

lr_case("lr_lung_sex", "lung", "time", "status", "sex")
lr_case("lr_lung_sex_rho1", "lung", "time", "status", "sex", rho = 1)
lr_case("lr_lung_sex_ecog", "lung", "time", "status", "sex", strata = "ph.ecog")
lr_case("lr_lung_ecog", "lung", "time", "status", "ph.ecog")
lr_case("lr_aml", "aml", "time", "status", "x")
lr_case("lr_veteran_trt", "veteran", "time", "status", "trt")
lr_case("lr_veteran_cell", "veteran", "time", "status", "celltype")
lr_case("lr_veteran_cell_prior", "veteran", "time", "status", "celltype",
        strata = "prior", rho = 0.5)
lr_case("lr_ovarian", "ovarian", "futime", "fustat", "rx")
lr_case("lr_colon_rx", "colon", "time", "status", "rx")
lr_case("lr_colon_rx_sex", "colon", "time", "status", "rx", strata = "sex",
        rho = 1)
lr_case("lr_gen_grp", "gen", "time", "status", "grp")
lr_case("lr_gen_grp_site", "gen", "time", "status", "grp", strata = "site")
lr_case("lr_gen2_grp_empty", "gen2", "time", "status", "grp")
lr_case("lr_gen2_grp_empty_rho1", "gen2", "time", "status", "grp", rho = 1)
lr_case("lr_gen_grp_site_rho1", "gen", "time", "status", "grp",
        strata = "site", rho = 1)
close(cases)
close(ref)
