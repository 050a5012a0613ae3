# time.R: R's side of bench/run.sh.
#   Rscript bench/time.R FILE.csv
# Prints "task seconds" lines: the read.csv time, then each fit timed with
# system.time() around the fit call only (survfit by arm, survdiff by arm,
# coxph Efron on x1..x10), as elapsed seconds.
suppressMessages(library(survival))
file <- commandArgs(trailingOnly = TRUE)[1]
el <- function(st) unname(st[["elapsed"]])
t_read <- el(system.time(d <- read.csv(file)))
cat("read", t_read, "\n")
t_km <- el(system.time(fit <- survfit(Surv(time, status) ~ arm, data = d)))
cat("km", t_km, "\n")
t_lr <- el(system.time(sd <- survdiff(Surv(time, status) ~ arm, data = d)))
cat("logrank", t_lr, "\n")
f <- Surv(time, status) ~ x1 + x2 + x3 + x4 + x5 + x6 + x7 + x8 + x9 + x10
t_cox <- el(system.time(cf <- coxph(f, data = d)))
cat("cox", t_cox, "\n")
cat("version", R.version$major, R.version$minor,
    as.character(packageVersion("survival")), "\n")
